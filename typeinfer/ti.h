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
    CALL_INNER,     /* an inner function of this compile: `inner` */
    CALL_EXC,       /* constructing an exception instance */
} CallKind;

typedef struct CallInfo {
    CallKind kind;
    int builtin;                 /* BI_* for CALL_BUILTIN; a METHOD_* for methods */
    const Type *ret;
    int nparams;
    const Type **params;         /* the type each argument converts to */
    int *argmap;                 /* per parameter: the CALL argument index (1-based), or -1 */
    PyObject **defaults;         /* per parameter with argmap -1: the default value */
    int *closure_vars;           /* CALL_INNER: the caller's variables passed as free variables */
    int nclosure;
    const char *symbol;          /* CALL_NATIVE: the callee's native function */
    PyObject *bitcode;           /* CALL_NATIVE: the callee's LLVM bitcode, for inlining */
    TypeInfo *inner;             /* CALL_INNER */
    int dtype;                   /* METHOD_DTYPE_CONVERT: the target DT_* */
    struct StrPlan *plan;        /* "..." % args and "...".format(args): the template's pieces */
} CallInfo;

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
} Callee;

typedef struct TiHost {
    bool (*is_dispatcher)(PyObject *obj);
    PyObject *(*dispatcher_py_func)(PyObject *obj);   /* borrowed */
    /* Compile (or find) the specialisation of dispatcher `obj` for `args`; -1 with a diagnostic
     * added to ctx (or a Python error set) on failure. */
    int (*compile_callee)(Ctx *ctx, PyObject *obj, const Type **args, int nargs, Callee *out,
                          Function *caller, Loc loc);
    /* Load the BLAS/LAPACK np.linalg uses: NULL when ready, else why not. */
    const char *(*linalg_init)(void);
} TiHost;

/* A prange loop of a parallel=True function, and what each variable is to its threads
 * (parallel.c). */
enum { PAR_UNUSED, PAR_SHARED, PAR_PRIVATE, PAR_REDUCE };
enum { PAR_MIN = 100, PAR_MAX };   /* reduction operations besides IRB_ADD and IRB_MUL */

typedef struct ParLoop {
    Block *header;       /* the block ending in the loop's FORITER */
    Instr *foriter;
    int iter_var;        /* the variable FORITER loads the prange iterator from */
    bool *in_loop;       /* per block: the header and the body */
    int *var_kind;       /* per variable: PAR_* */
    int *red_op;         /* per PAR_REDUCE variable: IRB_ADD, IRB_MUL, PAR_MIN or PAR_MAX */
} ParLoop;

struct TypeInfo {
    Function *fn;
    const TiHost *host;
    const Type **argtypes;
    int nargs;
    const Type **vtypes;          /* per value id */
    const Type **vartypes;        /* per variable */
    PyObject **frozen;            /* per value id: the Python value of a frozen global/attribute */
    CallInfo **calls;             /* per value id, for CALL */
    const Type *ret;
    const char *symbol;           /* the native function's symbol */
    TypeInfo **inners;            /* inner functions to lower with this one */
    int ninners;
    int inner_serial;             /* numbers inner functions' symbols */
    TypeInfo *outer;              /* for an inner function: the function it is nested in */
    TypeInfo *root;               /* the outermost function of this compile */
    bool *maybe_unbound;          /* per value id: a LOADVAR that may find its variable unassigned */
    ParLoop **parloops;           /* the prange loops to run in parallel (parallel=True) */
    int nparloops;
};

/* infer.c */
TypeInfo *ti_infer(Ctx *ctx, Function *fn, const Type **argtypes, int nargs, const TiHost *host,
                   const char *symbol, TypeInfo *outer);

/* parallel.c */
int ti_find_parloops(TypeInfo *ti);

/* unbound.c */
int ti_find_unbound(TypeInfo *ti);   /* fills maybe_unbound */

/* shared.c */
int ti_const_int(TypeInfo *ti, int value, int64_t *out);   /* a value known at compile time */
int ti_const_real(TypeInfo *ti, int value, double *out);   /* an int or float constant */
const char *ti_const_str(TypeInfo *ti, int value);         /* a str constant, or NULL */
bool ti_is_iterable(const Type *t);
const Type *ti_iter_value_type(const Type *of);
bool ti_is_numpy_builtin(int bid);                         /* a NumPy entry of builtins.def */

/* calls.c */
int ti_init_builtins(void);
const Type *ti_classify_global(TypeInfo *ti, PyObject *obj, Instr *in);
int ti_type_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs);
const Type *ti_type_getattr(TypeInfo *ti, Instr *in, const Type *recv);

enum { METHOD_CONJUGATE = 1000, METHOD_IS_INTEGER, METHOD_FLATTEN, METHOD_ASTYPE, METHOD_FILL,
       METHOD_DTYPE_CONVERT, METHOD_SORT };

/* arrays.c */
const Type *ti_array_index_type(TypeInfo *ti, Instr *in, const Type *a, const Type *idx);
int ti_array_setitem(TypeInfo *ti, Instr *in, const Type *a, const Type *idx, const Type *val);
const Type *ti_array_getattr(TypeInfo *ti, Instr *in, const Type *a);
int ti_result_dtype(const Type *a, const Type *b);
const Type *ti_array_binop(TypeInfo *ti, Instr *in, int op, const Type *a, const Type *b);
const Type *ti_array_unop(TypeInfo *ti, Instr *in, int op, const Type *a);
const Type *ti_array_cmp(TypeInfo *ti, Instr *in, const Type *a, const Type *b);
int ti_ufunc_dtype(int bid, const Type *a, const Type *b);
bool ti_is_ufunc(int bid);
int ti_ufunc_compare(int bid);   /* the IRC_* a comparison ufunc (np.less ...) computes, or -1 */
const Type *ti_product_type(TypeInfo *ti, Instr *in, const char *fname, const Type *a, const Type *b);
int ti_need_blas(TypeInfo *ti, Instr *in, const char *fname);

/* numpy.c */
int ti_dtype_arg(const Type *t);
int ti_type_numpy_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, bool method);
int ti_type_array_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs);
int ti_type_dtype_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs);
CallInfo *ti_bind(TypeInfo *ti, Instr *in, int bid, const char *fname, const char *const *names, int nreq,
                  const Type **args, int nargs, bool method);

/* strings.c */
enum { METHOD_STR = 2000 };   /* + a STR_*: str methods (codegen/lower_str.c) */
enum { STR_STARTSWITH, STR_ENDSWITH, STR_FIND, STR_RFIND, STR_COUNT, STR_REPLACE, STR_SPLIT, STR_JOIN, STR_STRIP,
       STR_LSTRIP, STR_RSTRIP, STR_LOWER, STR_UPPER, STR_ISDIGIT, STR_ISALPHA, STR_ISSPACE, STR_ZFILL, STR_FORMAT };
bool ti_is_str_method(const char *attr);
int ti_type_str_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs);
const Type *ti_str_binop(TypeInfo *ti, Instr *in, const Type *a, const Type *b);   /* NULL: not a str operation */
const Type *ti_str_percent(TypeInfo *ti, Instr *in, const Type *b);   /* constant % b: a plan in ti->calls */
const Type *ti_str_getitem(TypeInfo *ti, Instr *in, const Type *a, const Type *idx);
const Type *ti_type_format(TypeInfo *ti, Instr *in, const Type *v, const Type *spec);
int ti_type_str_builtin(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, CallInfo *ci);

/* nplib.c */
int ti_type_nplib_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, bool method);
extern const char *const ti_sort_kinds[], *const ti_sides[];

#endif
