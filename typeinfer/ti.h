/* ti.h: type inference. Requires the IR of one function (frontend) and the types of its
 * arguments; produces a type for every value and variable, the return type, and for every call
 * the implementation chosen. Lowering only reads these results.
 *
 * Sections: infer.c (propagation to a fixed point), calls.c (builtins, math, methods,
 * globals: the typing tables), shared.c (the builtin table and helpers lowering reads too).
 */
#ifndef EMBER_TI_H
#define EMBER_TI_H

#include "ir.h"
#include "types.h"

typedef enum {
#define BI(id, mod, name, shape, lowering) BI_##id,
#include "builtins.def"
#undef BI
    BI_COUNT
} BuiltinId;

typedef enum { SH_SPECIAL, SH_F_F, SH_FF_F, SH_F_I, SH_F_B, SH_UF, SH_US, SH_UB, SH_BF, SH_BS, SH_BB } BuiltinShape;

typedef struct BuiltinInfo {
    const char *module, *name;
    BuiltinShape shape;
    const char *lowering;
} BuiltinInfo;
extern const BuiltinInfo ti_builtins[BI_COUNT];

typedef struct TypeInfo TypeInfo;

typedef enum {
    CALL_BUILTIN,   /* a builtin or math function, or a method of a number: `builtin` */
    CALL_NATIVE,    /* another compiled function: `symbol` */
    CALL_SELF,      /* this function, recursively */
    CALL_CYCLE,     /* a function of this compile's recursion cycle (cycle.c): `inner` */
    CALL_INNER,     /* an inner function of this compile: `inner` */
    CALL_EXC,       /* constructing an exception instance */
    CALL_C,         /* a C function (ctypes, cffi): `symbol`, C signature `csig` */
    CALL_RNG,       /* a numpy.random.Generator method: `builtin` is its RNG_* */
    CALL_OBJMODE,   /* a `with objmode(...)` block, run by the interpreter (typeinfer/objmode.c) */
    CALL_INDIRECT,  /* through the function pointer the callee value holds (a FunctionType, funcs.c) */
    CALL_NAMEDTUPLE, /* Cls(...) of a namedtuple class: the tuple of the parameters (namedtuple.c) */
} CallKind;

enum { ARG_STAR = -3 };
enum { TI_NARROW_ITEMS = 16 };   /* the tuple items whose narrow int dtypes a callee reports */

/* What a compiled function's callers know of the values it returns, beyond their types: the
 * float32 ones (held as float64s: facts.c) and the narrow ints (NumPy scalars: npscalar.c). */
typedef struct RetFacts {
    bool f32;                    /* it returns a float32 value (ti_returns_f32) */
    uint64_t f32_items;          /* bit k: item k of the tuple it returns is a float32 (ti_returns_f32_items) */
    unsigned char narrow;        /* 1 + the narrow int dtype of what it returns (an np.uint8), 0 none */
    unsigned char narrow_items[TI_NARROW_ITEMS];   /* likewise per item of the tuple it returns (ti_returns_narrow) */
} RetFacts;
typedef struct CallInfo {
    CallKind kind;
    int builtin;                 /* BI_* for CALL_BUILTIN; a METHOD_* for methods */
    const Type *ret;
    int nparams;
    const Type **params;         /* the type each argument converts to */
    int *argmap;                 /* per parameter: the CALL argument index (1-based), -1 for a
                                  * default, ARG_STAR for *args: the tuple of the CALL arguments
                                  * from star_first (1-based) to the last positional one */
    int star_first;
    PyObject **defaults;         /* per parameter with argmap -1: the default value */
    int *closure_vars;           /* CALL_INNER: the caller's variables passed as free variables */
    int nclosure;
    const char *symbol;          /* CALL_NATIVE: the callee's native function */
    PyObject *bitcode;           /* CALL_NATIVE: the callee's LLVM bitcode, for inlining */
    RetFacts ret_facts;          /* CALL_NATIVE: what the callee returns as float32 and narrow ints */
    bool raises_refs;            /* CALL_NATIVE: an exception it raises may hold strings (Callee) */
    TypeInfo *inner;             /* CALL_INNER, CALL_CYCLE: the function called */
    int dtype;                   /* METHOD_DTYPE_CONVERT: the target DT_*; reductions: dtype= or -1;
                                  * ufuncs: the dtype they compute in; ember._rdist.fill: the RD_* */
    int ufmethod;                /* a ufunc's method (UF_*), 0 for a call of the ufunc itself */
    int post;                    /* a jitclass operator's call: what its result becomes (CLS_POST_*) */
    bool receiver;               /* made by ti_type_receiver_call: a method's call on any instruction */
    const char *csig;            /* CALL_C: the C signature, result first (pymodule/ember/_ffi.py) */
    struct StrPlan *plan;        /* "..." % args and "...".format(args): the template's pieces */
    struct CallInfo *key;        /* sort(key=f), sorted(key=f): the call f(item) (ti_type_value_call) */
} CallInfo;

enum { UF_REDUCE = 1, UF_ACCUMULATE, UF_OUTER, UF_AT };   /* np.add.reduce(...) & co */
/* A constant template cut into pieces at compile time (strings.c): literal text, or argument
 * `arg` converted (conv 's' str, 'r' repr, 0 none) and formatted with a format spec. */
typedef struct StrPiece {
    const char *text;    /* a literal piece (arg -1) */
    int arg;
    char conv;
    const char *spec;    /* format() spec, "" for none */
} StrPiece;
typedef struct StrPlan {
    int n;
    StrPiece *pieces;
} StrPlan;

/* What typing needs from the driver: recognising and compiling other @njit functions. */
typedef struct Callee {
    const Type *ret;
    const Type **params;         /* the specialisation's parameter types */
    int nparams;
    const char *symbol;
    PyObject *bitcode;           /* borrowed; the driver keeps it alive */
    PyObject *py_func;
    RetFacts ret_facts;          /* out: what it returns as float32 and narrow ints */
    bool raises_refs;            /* out: an exception leaving it may hold strings (cg_frame_may_raise_strings) */
    bool join_cycle;             /* in: the caller can type a callee that calls back into it (cycle.c) */
    Function *member;            /* out, with 1 returned: the callee calls back into this compile, so it is
                                  * typed and lowered with it; its IR, built in the compile's ctx */
} Callee;

typedef struct TiHost {
    bool (*is_dispatcher)(PyObject *obj);
    PyObject *(*dispatcher_py_func)(PyObject *obj);   /* borrowed */
    /* Compile (or find) the specialisation of dispatcher `obj` for `args`; -1 with a diagnostic
     * added to ctx (or a Python error set) on failure; 1 with out->member set where the callee
     * belongs to this compile's recursion cycle (asked for by out->join_cycle). */
    int (*compile_callee)(Ctx *ctx, PyObject *obj, const Type **args, int nargs, Callee *out,
                          Function *caller, Loc loc);
    /* Load the BLAS/LAPACK np.linalg uses: NULL when ready, else why not. */
    const char *(*linalg_init)(void);
    /* The scalar kernel (a Dispatcher, borrowed) of a @vectorize function, or NULL. */
    PyObject *(*kernel_of)(PyObject *obj);
    /* A Dispatcher's one signature, as a FunctionType, if it compiles no others; else NULL. */
    const Type *(*fixed_signature)(PyObject *obj);
    /* Whether a Dispatcher compiles for new argument types (no signatures were given). */
    bool (*is_lazy)(PyObject *obj);
} TiHost;

/* A prange loop of a parallel=True function, and what each variable is to its threads
 * (parallel.c). */
enum { PAR_UNUSED, PAR_SHARED, PAR_PRIVATE, PAR_REDUCE };
enum { PAR_MIN = 100, PAR_MAX };   /* reduction operations besides IRB_ADD and IRB_MUL */

typedef struct ParLoop {
    Block *header;       /* the block ending in the loop's FORITER */
    Instr *foriter;
    int iter_var;        /* the variable FORITER loads the prange iterator from */
    Instr *call;         /* the prange(...) call */
    bool *in_loop;       /* per block: the header and the body */
    int *var_kind;       /* per variable: PAR_* */
    int *red_op;         /* per PAR_REDUCE variable: IRB_ADD, IRB_MUL, PAR_MIN or PAR_MAX */
    bool *red_rebinds;   /* per PAR_REDUCE array variable: some store is `a = a + e`, not `a += e`
                            (the loop's result is a new array; the one from before stays as it was) */
} ParLoop;

/* funcs.c: a compiled function converted to a FunctionType (its specialisation's symbol and
 * bitcode, for codegen to link and take the address of), and the signature a call chose for a
 * set of functions. Both on the root TypeInfo of a compile. */
typedef struct FuncRef {
    PyObject *dispatcher;
    const Type *fptr;
    const char *symbol;
    PyObject *bitcode;
} FuncRef;
typedef struct IntRange {
    long long lo, hi;             /* every value lies in [lo, hi]; lo > hi: none (never reached) */
} IntRange;
typedef struct FuncChoice {
    const Type *set, *fptr;
} FuncChoice;

/* cycle.c: functions that call each other, typed and lowered with the function compiled
 * (members[0]); the root and every member point to it. */
typedef struct Cycle {
    TypeInfo **members;
    int n, cap;
} Cycle;

struct TypeInfo {
    Function *fn;
    const TiHost *host;
    const Type **argtypes;
    int nargs;
    signed char *argdt;           /* per parameter: the dtype of a TY_NARROW argument type (typed as
                                   * its canonical scalar here; the value is wrapped or rounded on
                                   * entry, and facts.c marks a float32 one float32), else -1 */
    const Type *ret_narrow;       /* a signature's return type with sized scalars (uint8(...),
                                   * Tuple((int16, float32))(...)): the result wraps or rounds to them
                                   * (ret is ty_held of it); else NULL */
    const Type **vtypes;          /* per value id */
    const Type **vartypes;        /* per variable */
    PyObject **frozen;            /* per value id: the Python value of a frozen global/attribute */
    CallInfo **calls;             /* per value id, for CALL */
    const Type *ret;              /* a generator function's: ty_generator(yields) */
    const Type *yields;           /* a generator function: what its yields unify to (NULL: none yet) */
    const char *symbol;           /* the native function's symbol */
    TypeInfo **inners;            /* inner functions to lower with this one */
    int ninners;
    int inner_serial;             /* numbers inner functions' symbols */
    TypeInfo *outer;              /* for an inner function: the function it is nested in */
    TypeInfo *root;               /* the outermost function of this compile */
    bool *maybe_unbound;          /* per value id: a LOADVAR that may find its variable unassigned */
    ParLoop **parloops;           /* the prange loops to run in parallel (parallel=True) */
    int nparloops;
    bool *f32;                    /* per value id: a float32 scalar held as a float64 (facts.c) */
    bool guess_calls;             /* facts and NumPy scalar dtypes take compiled callees' results to be as
                                   * narrow as the values they are given (ti_narrow_native_calls) */
    bool *c64;                    /* per value id: a complex64 scalar held as a complex128 (facts.c) */
    bool *int16;                  /* per value id: an int Numba types int8, uint8 or int16 (facts.c), or NULL */
    bool *nonneg;                 /* per value id: an int known to be >= 0 (facts.c) */
    IntRange *range;              /* per value id: the range of an int or bool (ranges.c) */
    FuncRef *funcrefs;            /* root only (funcs.c) */
    int nfuncrefs, capfuncrefs;
    FuncChoice *choices;          /* root only (funcs.c) */
    int nchoices, capchoices;
    Cycle *cycle;                 /* the recursion cycle this function is typed in, or NULL (cycle.c) */
};

/* infer.c */
TypeInfo *ti_infer(Ctx *ctx, Function *fn, const Type **argtypes, int nargs, const TiHost *host,
                   const char *symbol, TypeInfo *outer);
enum { TI_AGAIN = 1 };   /* from the steps below: the IR changed, type the compile anew */
TypeInfo *ti_new(Ctx *ctx, Function *fn, const Type **argtypes, int nargs, const TiHost *host,
                 const char *symbol, TypeInfo *outer);   /* untyped, its declared locals set */
int ti_type_round(TypeInfo *ti, bool *changed);   /* one visit of every instruction: 0, TI_AGAIN, -1 */
int ti_settle(TypeInfo *ti);   /* after the fixed point: rewrites (TI_AGAIN), checks and facts */

/* cycle.c: mutual recursion */
int ti_cycle_call(TypeInfo *ti, PyObject *code, const Type **types, int n, CallInfo *ci);   /* 1: a member's */
int ti_cycle_join(TypeInfo *ti, Function *fn, const Type **types, int n, CallInfo *ci);
int ti_cycle_round(TypeInfo *ti, bool *changed);   /* the members of ti's cycle, if ti heads one */
int ti_cycle_settle(TypeInfo *ti);
int ti_cycle_untyped(TypeInfo *ti, Instr *call);   /* the diagnostic for a member's call never typed */

/* facts.c */
int ti_find_facts(TypeInfo *ti);   /* fills f32 and nonneg, then range (ranges.c) */

/* ranges.c */
int ti_find_ranges(TypeInfo *ti);   /* fills range */

/* parallel.c */
int ti_find_parloops(TypeInfo *ti);

/* unbound.c */
int ti_find_unbound(TypeInfo *ti);   /* fills maybe_unbound */

/* shared.c */
int ti_const_int(TypeInfo *ti, int value, int64_t *out);   /* a value known at compile time */
int ti_const_real(TypeInfo *ti, int value, double *out);   /* an int or float constant */
const char *ti_const_str(TypeInfo *ti, int value);         /* a str constant, or NULL */
int ti_kw_index(const Instr *in, const char *name);        /* keyword `name`'s position among in's, or -1 */
bool *ti_opaque_vars(TypeInfo *ti);   /* per variable: locals=, a cell or a prange reduction (facts.c, ranges.c) */
int ti_const_ints(TypeInfo *ti, int value, int64_t *out, int max);   /* an int or tuple of ints: the count, else -1 */
int ti_value_source(Function *fn, int v);   /* the one value v comes from, through copies and variables; else v */
int ti_var_stores(const Function *fn, int var, Instr **out, int max);   /* the STOREVARs of var (the first max into out):
                                                                          * how many, or -1 if deleted or shared (DELVAR, CELLREF) */
const char *const *ti_reduction_params(int bid, int ufmethod);   /* np.sum & co: parameter names, NULL-terminated */
int ti_reduction_param(const CallInfo *ci, const char *name);   /* its index where given (or defaulted), else -1 */
bool ti_param_const_int(TypeInfo *ti, Instr *in, const CallInfo *ci, int p, int64_t *k);   /* argument or default */
int ti_reduction_dtype(int bid, int adt, int dtype);       /* its result dtype (dtype: dtype= or -1) */
/* fields.c: structured arrays and their records */
const Type *ti_fields_getitem(TypeInfo *ti, Instr *in, const Type *a, const Type *idx);
int ti_fields_setitem(TypeInfo *ti, Instr *in, const Type *a, const Type *idx, const Type *val);
/* jitclass.c: jitclass instances */
const Type *ti_class_getattr(TypeInfo *ti, Instr *in, const Type *t);
const Type *ti_class_of_ctor(const Type *d);   /* the jitclass whose constructor d is, or NULL */
const Type *ti_class_static_getattr(TypeInfo *ti, Instr *in, const Type *t);   /* Cls.f */
int ti_class_setattr(TypeInfo *ti, Instr *in, const Type *t, const Type *v, bool *changed);
int ti_class_method_call(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs);
int ti_type_new_instance(TypeInfo *ti, Instr *in, const Type **args, int nargs);
/* An operator, subscript, `in` or truth test with a jitclass instance as operand: its dunder
 * method's call (1: not one, 0: typed, *t its type, -1: error); len(obj) and the other builtins
 * of one instance (1: not one). A result the operator changes says so in CallInfo.post. */
enum { CLS_POST_TRUTH = 1, CLS_POST_NOT = 2 };
int ti_class_operator(TypeInfo *ti, Instr *in, const Type **args, const Type **t);
int ti_class_builtin(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs);
/* calls.c: a Dispatcher's call with a receiver first (a method, a property), and without */
int ti_type_receiver_call(TypeInfo *ti, Instr *in, PyObject *d, int recv_id, const Type *recv, const int *arg_ids,
                          const Type **args, int nargs, int nkw);
int ti_type_dispatcher_call(TypeInfo *ti, Instr *in, PyObject *d, const Type **args);
int ti_narrow_native_calls(TypeInfo *ti, bool canonical, bool *changed);   /* float32 and narrow int arguments: callees for them (calls.c) */
bool ti_returns_f32(TypeInfo *ti);   /* every value it returns is a float32 (facts.c) */
uint64_t ti_returns_f32_items(TypeInfo *ti);   /* the float32 items of the tuple it returns, bit per item */
const Type *ti_return_type(TypeInfo *ti);   /* ti->ret, a list of float32 values named list(float32) (facts.c) */
const Type *ti_fields_getattr(TypeInfo *ti, Instr *in, const Type *a);
bool ti_record_in_parameter(TypeInfo *ti, int v);   /* fields.c: record v lies in a parameter's memory */
int ti_record_field_at(TypeInfo *ti, const Type *rec, int idx);   /* shared.c: the field constant idx names, or -1 */
int ti_field_dtype(TypeInfo *ti, const Instr *in);   /* shared.c: the dtype of a record's scalar field in reads, or -1 */
const Type *ti_new_recarray(const Type *rec, int ndim);   /* a new C array of records (np.empty) */
bool ti_is_iterable(const Type *t);
bool ti_has_truth(const Type *t);   /* infer.c: `if x`, `not x`, bool(x) test it directly */
const Type *ti_iter_value_type(const Type *of);
const Type *ti_view_as_set(const Type *t);         /* shared.c: the set a keys or items view stands for, or t */
bool ti_equatable(const Type *x, const Type *y);   /* shared.c: values compiled code compares with == (a dict's) */
bool ti_is_numpy_builtin(int bid);                         /* a NumPy entry of builtins.def */

/* pyrandom.c: a call of Python's random module (a PYR_* builtin) */
int ti_type_pyrandom_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs);

/* calls.c */
int ti_init_builtins(void);
/* typed.c: ember.typed.List and Dict in compiled code (bid BI_TYPED_LIST or BI_TYPED_DICT;
 * method NULL for the class called, else "empty_list" / "empty") */
const Type *ti_typed_getattr(TypeInfo *ti, Instr *in, const Type *cls);
int ti_type_typed_call(TypeInfo *ti, Instr *in, int bid, const char *method, const Type **args, int nargs);
const Type *ti_array_typeref(TypeInfo *ti, Instr *in, const Type *dtype, const Type *idx);   /* types.float64[:, ::1] */
const Type *ti_classify_global(TypeInfo *ti, PyObject *obj, Instr *in);
int ti_type_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs, bool *changed);
PyObject *ti_example_value(const Type *t);

/* parallel.c: blocks reached from `from` without passing `avoid` (inner: not through the handler of
 * a try around `avoid`), marked in seen */
void ti_reach(Function *fn, Block *from, Block *avoid, bool inner, bool *seen);

/* unroll.c */
int ti_unroll_literal_loop(TypeInfo *ti, Instr *getiter, const Type *tuple);
int ti_drop_unreachable(Function *fn);   /* after a control-flow rewrite: unreached blocks out, variables versioned again */

/* namedtuple.c */
int ti_type_namedtuple_new(TypeInfo *ti, Instr *in, const Type *cls, const Type **args, int nargs);

bool ti_tuple_slice(TypeInfo *ti, int slice, int n, int64_t *first, int64_t *step, int64_t *count);   /* shared.c */
Instr *ti_insert_item(Function *fn, Block *b, int *at, int tuple, int64_t i, Loc loc);   /* shared.c: tuple[i] before *at */

/* isinstance.c: isinstance(x, C) from x's type: 1, 0, -1 (C not decidable), -2 (at run time) */
int ti_isinstance_decide(TypeInfo *ti, int v, const Type *t, PyObject *cls);
PyObject *ti_isinstance_class(Function *fn, int value);   /* the class (or tuple) a value names, or NULL */
bool ti_is_class_builtin(int bid);   /* int, float, list, np.ndarray, ...: a tuple may hold them */
int ti_type_isinstance(TypeInfo *ti, Instr *in, const Type **args, int nargs, CallInfo *ci);

/* prune.c: `if x is None` on a parameter whose type decides it keeps one branch */
int ti_prune_none_tests(TypeInfo *ti);

/* grid.c: np.mgrid[...] and np.ogrid[...] */
bool ti_is_grid(const Type *t);
int ti_slice_feeds_grid(TypeInfo *ti, Instr *slice);   /* 1: only grids read it, 0: not, -1: not known yet */
const Type *ti_type_grid(TypeInfo *ti, Instr *in, const Type *grid);
int ti_grid_slices(Function *fn, Instr *in, Instr **slices);   /* the subscript's slices: their count, -1 if not slices */

/* ellipsis.c: `...` in array subscripts */
bool ti_has_ellipsis(const Type *idx);        /* an index that is or holds an Ellipsis */
int ti_expand_ellipses(TypeInfo *ti);         /* 1: subscripts rewritten (type again), 0: none, -1: error */

/* arraylike.c: tuples and lists of numbers where NumPy takes arrays */
bool ti_is_array_like(TypeInfo *ti, int v);   /* value v: a tuple or list literal of numbers np.array takes */
int ti_wrap_array_like(TypeInfo *ti, Instr *in, int k);   /* operand k -> np.array(operand): 1 (type again), -1 */
int ti_wrap_array_like_as(TypeInfo *ti, Instr *in, int k, const char *dtype);   /* -> np.array(operand, np.<dtype>) */
int ti_wrap_int(TypeInfo *ti, Instr *in, int k);   /* operand k -> int(operand): 1 (type again), -1 */

/* zerod.c: operators and ufuncs of 0-d arrays */
int ti_scalarize_zerod(TypeInfo *ti);         /* 1: 0-d operands read as elements (type again), 0: none, -1: error */

/* npscalar.c: the NumPy scalar type of a value (np.full(3, a[0]) of an int8 a is int8) */
int ti_whole_reduction_dtype(const CallInfo *ci);   /* a.sum(), np.nanmax(a), np.dot(x, y): its NumPy scalar DT_*, else -1 */
int ti_returns_narrow(TypeInfo *ti, unsigned char items[TI_NARROW_ITEMS]);   /* 1 + the narrow int dtype it returns (npscalar.c) */
int ti_numpy_scalar_dtype(TypeInfo *ti, int v);   /* value v: an element of an array of that DT_*, np.float32(x)...; -1: a Python scalar */
const Type *ti_promotion_type(TypeInfo *ti, int v);   /* a NumPy scalar as a strong 0-d array, for dtype promotion */
int ti_literal_dtype(TypeInfo *ti, int v, int dflt);   /* np.array of tuple/list literal v: its leaves' dtypes promoted, else dflt */
#define LITERAL_WAITS (-2)   /* ti_literal_dtype: a value appended to the list is not typed yet */
bool ti_narrow_unsigned(TypeInfo *ti, int v);   /* a uint8/16/32 scalar held as an int64 (infer.c) */

/* rng.c: numpy.random.Generator methods */
bool ti_is_rng_method(const char *name);
int ti_type_rng_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs);   /* a Python value of type t (TY_HOOKED calls), or NULL */
/* rdist.c: the rest of np.random, and the same distributions as Generator methods */
int ti_rdist_kind(const char *name);   /* a Generator method's RD_* (typeinfer/rdist.h), or -1 */
int ti_type_random_dist(TypeInfo *ti, Instr *in, int bid, const char *fname, const Type **args, int nargs);
int ti_type_rng_dist(TypeInfo *ti, Instr *in, const Type *m, int kind, const Type **args, int nargs);
PyObject *ti_rng_python_form(TypeInfo *ti, const Type *m, const Type **args, int nargs);   /* an array parameter: ember/_nprandom.py */
int ti_type_rdist_fill(TypeInfo *ti, Instr *in, CallInfo *ci, const Type **args, int nargs);   /* ember._rdist.fill */

/* objmode.c: `with objmode(...)` blocks */
const Type *ti_type_objmode(TypeInfo *ti, Instr *in, const Type **args, int n);   /* the outputs' tuple */

/* funcs.c: first-class functions (Numba's FunctionType) */
bool ti_is_function(const Type *t);   /* a Dispatcher, FunctionType or set of functions */
const Type *ti_join_functions(TypeInfo *ti, Instr *in, const Type *const *ts, int n);
bool ti_is_function_tuple(const Type *t);   /* a tuple of functions (n >= 1) */
int ti_type_function_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs, bool *changed);
int ti_check_function_sets(TypeInfo *ti);

/* ffi.c: C functions given as ctypes or cffi objects */
const Type *ti_classify_cfunc(TypeInfo *ti, PyObject *obj, Instr *in, bool *is);   /* *is: it is one */
int ti_describe_cfunc(PyObject *obj, const Type **out);
int ti_type_cfunc_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs);
CallInfo *ti_new_call(TypeInfo *ti, Instr *in, CallKind kind, int nparams);
/* The call of function value `callee` (an @njit function or an inner def/lambda) with positional
 * arguments of types args[0..nargs-1], made by the code lowered for `in` (sort's key=): typed like
 * a call, its CallInfo returned without taking in's place. NULL with *again set when it cannot be
 * typed yet (a closure variable has no type yet); NULL with the error set otherwise. */
CallInfo *ti_type_value_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs, bool *again);
int ti_exc_args_type(TypeInfo *ti, Instr *in, const Type **out);   /* e.args; *out NULL: not yet */
const Type *ti_type_getattr(TypeInfo *ti, Instr *in, const Type *recv);

enum { METHOD_CONJUGATE = 1000, METHOD_IS_INTEGER, METHOD_FLATTEN, METHOD_ASTYPE, METHOD_FILL,
       METHOD_DTYPE_CONVERT, METHOD_SORT, METHOD_SET_SHAPE, METHOD_ITEM, METHOD_VIEW };

/* Lists' methods and the builtins over iterables that containers.c types (a CallInfo's builtin). */
enum { LIST_OPS = 3000,
       LM_APPEND = LIST_OPS, LM_EXTEND, LM_INSERT, LM_POP, LM_REMOVE, LM_CLEAR, LM_INDEX, LM_COUNT, LM_COPY,
       LM_REVERSE, LM_SORT,   /* in containers.c's list_methods order */
       LB_LEN, LB_SUM, LB_MIN, LB_MAX, LB_ANY, LB_ALL, LB_SORTED, LB_LIST, LB_REVERSED, LB_DICT,
       DM_GET, DM_SETDEFAULT, DM_POP, DM_POPITEM, DM_UPDATE, DM_ITEMS, DM_KEYS, DM_VALUES, DM_CLEAR, DM_COPY,
       LB_SET, SM_ADD, SM_DISCARD, SM_REMOVE, SM_POP, SM_CLEAR, SM_UPDATE, SM_UNION, SM_INTERSECTION, SM_DIFFERENCE,
       SM_SYMMETRIC_DIFFERENCE, SM_COPY, SM_ISSUBSET, SM_ISSUPERSET, SM_ISDISJOINT, SM_DIFFERENCE_UPDATE,
       SM_INTERSECTION_UPDATE, SM_SYMMETRIC_DIFFERENCE_UPDATE,   /* in containers.c's set_methods order */
       LB_NP_ARRAY, LB_SAME };   /* np.array/np.asarray of a list; np.asarray of an array (itself) */

/* containers.c */
bool ti_storable(const Type *t);
int ti_widen_list(TypeInfo *ti, int v, const Type *e, const Type *x, bool *changed);   /* containers.c: appending x to a
                                                                                     list made here widens its items */   /* what a list may hold (and a dict as its values) */
int ti_refine(TypeInfo *ti, int v, const Type *t, bool *changed);
const Type *ti_list_literal(TypeInfo *ti, Instr *in, const Type **args, int n);
const Type *ti_list_getitem(TypeInfo *ti, Instr *in, const Type *l, const Type *idx);
int ti_list_setitem(TypeInfo *ti, Instr *in, const Type *l, const Type *idx, const Type *val, bool *changed);
int ti_list_delitem(TypeInfo *ti, Instr *in, const Type *l, const Type *idx);
const Type *ti_list_binop(TypeInfo *ti, Instr *in, const Type *a, const Type *b, bool *changed);
const Type *ti_list_cmp(TypeInfo *ti, Instr *in, const Type *a, const Type *b);
const Type *ti_contains(TypeInfo *ti, Instr *in, const Type *c, const Type *x);
const Type *ti_list_getattr(TypeInfo *ti, Instr *in, const Type *l);
int ti_type_list_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs, bool *changed);
bool ti_is_container_builtin(int bid, const Type **args, int nargs, int nkw);
int ti_type_container_builtin(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs);
int ti_type_dict_call(TypeInfo *ti, Instr *in, const Type **args, int npos, bool typed);   /* dict(...), typed.Dict(...) */
void ti_complete_types(TypeInfo *ti);
const Type *ti_complete(const Type *t);   /* t, containers of no element type yet made of int64 */
CallInfo *ti_container_call(TypeInfo *ti, Instr *in, int op, int nparams, const Type *ret);
const Type *ti_dict_literal(TypeInfo *ti, Instr *in, const Type **args, int n);
int ti_dict_setitem(TypeInfo *ti, Instr *in, const Type *d, const Type *k, const Type *v, bool *changed);
const Type *ti_dict_getitem(TypeInfo *ti, Instr *in, const Type *d, const Type *k);
const Type *ti_dict_getattr(TypeInfo *ti, Instr *in, const Type *d);
const Type *ti_set_literal(TypeInfo *ti, Instr *in, const Type **args, int n);
int ti_set_add(TypeInfo *ti, Instr *in, int recv, const Type *s, const Type *x, bool *changed);
const Type *ti_set_getattr(TypeInfo *ti, Instr *in, const Type *s);
int ti_type_set_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs, bool *changed);
const Type *ti_set_binop(TypeInfo *ti, Instr *in, const Type *a, const Type *b, bool *changed);
const Type *ti_set_cmp(TypeInfo *ti, Instr *in, const Type *a, const Type *b, bool *changed);   /* sets, views, dicts */
int ti_type_dict_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs, bool *changed);

/* infer.c */
const Type *ti_const_type(const Const *c);   /* a constant's type (an int is an int64) */

/* arrays.c */
const Type *ti_array_index_type(TypeInfo *ti, Instr *in, const Type *a, const Type *idx);
bool ti_index_general(const Type *idx);   /* NumPy's general advanced indexing (several index arrays, ...) */
int ti_array_setitem(TypeInfo *ti, Instr *in, const Type *a, const Type *idx, const Type *val);
int ti_sequence_shape(const Type *t, int *dt, int depth);   /* a nested tuple of numbers: its depth and dtype, else -1 */
const Type *ti_array_getattr(TypeInfo *ti, Instr *in, const Type *a);
int ti_result_dtype(const Type *a, const Type *b);
const Type *ti_ew_array(int dt, int nd, const Type *a, const Type *b, const Type *c);   /* an elementwise result of a, b, c (NULL or scalars allowed) */
bool ti_same_kind_cast(int from, int to);   /* NumPy's casting='same_kind' of a ufunc's result into out= */
int ti_check_out(TypeInfo *ti, Instr *in, const char *fname, const Type *o, int nd, int dt);   /* out= for nd-d results of dt: 0, or -1 located */
const Type *ti_array_binop(TypeInfo *ti, Instr *in, int op, const Type *a, const Type *b);
const Type *ti_array_unop(TypeInfo *ti, Instr *in, int op, const Type *a);
const Type *ti_array_cmp(TypeInfo *ti, Instr *in, const Type *a, const Type *b);
int ti_ufunc_dtype(int bid, const Type *a, const Type *b);
bool ti_is_ufunc(int bid);
int ti_ufunc_nin(int bid);                     /* 1 or 2 inputs */
int ti_ufunc_param(const CallInfo *ci, int which);   /* out= (0) or where= (1): its parameter index, or -1 */
int ti_ufunc_compare(int bid);   /* the IRC_* a comparison ufunc (np.less ...) computes, or -1 */
const Type *ti_product_type(TypeInfo *ti, Instr *in, const char *fname, const Type *a, const Type *b);
int ti_need_blas(TypeInfo *ti, Instr *in, const char *fname);

/* numpy.c */
int ti_dtype_arg(const Type *t);
int ti_dtype_of_name(const char *s);   /* a constant string naming a dtype (NumPy's names), or -1 */
int ti_type_numpy_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, bool method);
int ti_type_array_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs);
int ti_type_dtype_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs);
int ti_type_ufunc_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs);
CallInfo *ti_bind(TypeInfo *ti, Instr *in, int bid, const char *fname, const char *const *names, int nreq,
                  const Type **args, int nargs, bool method);

/* strings.c */
enum { METHOD_STR = 2000 };   /* + a STR_*: str methods (codegen/lower_str.c) */
enum { STR_STARTSWITH, STR_ENDSWITH, STR_FIND, STR_RFIND, STR_COUNT, STR_REPLACE, STR_SPLIT, STR_JOIN, STR_STRIP,
       STR_LSTRIP, STR_RSTRIP, STR_LOWER, STR_UPPER, STR_ISDIGIT, STR_ISALPHA, STR_ISSPACE, STR_ZFILL,
       STR_CAPITALIZE, STR_CASEFOLD, STR_SWAPCASE, STR_TITLE,   /* ember_rt_str_recase 0..3 */
       STR_ISALNUM, STR_ISDECIMAL, STR_ISNUMERIC, STR_ISPRINTABLE, STR_ISASCII, STR_ISLOWER, STR_ISUPPER,
       STR_ISTITLE, STR_ISIDENTIFIER,   /* ember_rt_str_is_more 3..11 */
       STR_CENTER, STR_LJUST, STR_RJUST, STR_INDEX, STR_RINDEX, STR_PARTITION, STR_RPARTITION, STR_RSPLIT,
       STR_SPLITLINES, STR_EXPANDTABS, STR_REMOVEPREFIX, STR_REMOVESUFFIX, STR_FORMAT };
bool ti_is_str_method(const char *attr);
int ti_type_format_builtin(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs);   /* format bin hex oct */
int ti_type_str_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs);
const Type *ti_str_binop(TypeInfo *ti, Instr *in, const Type *a, const Type *b);   /* NULL: not a str operation */
const Type *ti_str_percent(TypeInfo *ti, Instr *in, const Type *b);   /* constant % b: a plan in ti->calls */
const Type *ti_str_getitem(TypeInfo *ti, Instr *in, const Type *a, const Type *idx);
const Type *ti_type_format(TypeInfo *ti, Instr *in, const Type *v, const Type *spec);
int ti_type_str_builtin(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, CallInfo *ci);

/* nplib.c */
int ti_size_ndim(TypeInfo *ti, Instr *in, const Type *t);   /* a size= argument (None, int, tuple of ints): its ndim, or -1 */
int ti_type_nplib_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, bool method);
PyObject *ti_nplib_python_form(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs);   /* borrowed, or NULL */
PyObject *ti_python_form(TypeInfo *ti, const char *module, const char *table, const char *name);   /* kept, or NULL */
extern const char *const ti_sort_kinds[], *const ti_sides[];

/* npshape.c */
int ti_type_npshape_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, bool method);
extern const char *const ti_pad_modes[];

/* nplinalg.c */
int ti_type_linalg_call(TypeInfo *ti, Instr *in, int bid, const char *fname, const Type **args, int nargs);
int ti_linalg_dtype(int dt);
int ti_type_einsum(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs);
const char *ti_einsum_parse(const char *spec, int nops, char ops[][33], char out[33]);   /* shared.c: NULL, or the error */   /* the dtype np.linalg computes in: float32/64, complex64/128 (ints: float64) */
bool ti_einsum_is_view(int nops, char ops[][33], const char *out);   /* shared.c: one operand's dims reordered */

/* npstats.c */
int ti_type_npstats_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, bool method);
extern const char *const ti_conv_modes[];

#endif
