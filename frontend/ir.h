/* ir.h: ember's intermediate representation, the compile context and its arena.
 *
 * Glossary
 *   Ctx       one compile: the arena every IR object lives in, the diagnostics, the Python
 *             references held while compiling. Freed at once by ctx_free.
 *   Function  one code object lowered to IR: blocks of instructions over numbered values.
 *   Block     a basic block; its last instruction is a terminator (IRF_TERM).
 *   Instr     one operation. Every instruction is a value: its id indexes per-function side
 *             tables (types, call resolutions). Arguments are value ids.
 *   Var       a Python local (or a synthetic stack slot carried across blocks). Variables are
 *             read and written with LOADVAR/STOREVAR; codegen gives each a stack slot and LLVM's
 *             mem2reg turns them into SSA.
 *   Loc       a source location: line and column range, kept on every instruction so any pass
 *             can point at the user's expression with a caret.
 *
 * Sections: ir.c (arena, builders, dump, diagnostics).
 */
#ifndef EMBER_IR_H
#define EMBER_IR_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>

typedef struct Type Type;

/* ---- opcodes ---------------------------------------------------------------------- */
enum {
    IRF_TERM = 1,    /* ends a block */
    IRF_NOVALUE = 2, /* produces no usable value */
};

typedef enum {
#define OP(name, nargs, flags) IR_##name,
#include "ir_ops.def"
#undef OP
    IR_NOPS
} IrOp;

/* BINOP operators, in the order of CPython's BINARY_OP argument (in-place forms map here too). */
typedef enum {
    IRB_ADD, IRB_AND, IRB_FLOORDIV, IRB_LSHIFT, IRB_MATMUL, IRB_MUL, IRB_MOD, IRB_OR,
    IRB_POW, IRB_RSHIFT, IRB_SUB, IRB_TRUEDIV, IRB_XOR, IRB_NOPS
} IrBinop;

typedef enum { IRU_NEG, IRU_POS, IRU_INVERT, IRU_NOT } IrUnop;
enum { IR_SET_ATTR = 1 };   /* a SETITEM's imm2: written r.x = v (a record's field), not r["x"] = v */
typedef enum { IRC_LT, IRC_LE, IRC_EQ, IRC_NE, IRC_GT, IRC_GE } IrCmp;

extern const char *const ir_op_names[IR_NOPS];
extern const signed char ir_op_nargs[IR_NOPS];
extern const unsigned char ir_op_flags[IR_NOPS];
extern const char *const ir_binop_text[IRB_NOPS];
extern const char *const ir_cmp_text[6];
extern const char *const ir_unop_text[4];

/* ---- locations and diagnostics ------------------------------------------------------ */
typedef struct {
    int line;            /* 1-based source line; 0 when unknown */
    int col, end_col;    /* 0-based column range on that line; -1 when unknown */
} Loc;

typedef enum {
    DIAG_TYPING,      /* a type error: ember.errors.TypingError */
    DIAG_UNSUPPORTED, /* a construct ember does not compile: ember.errors.UnsupportedError */
    DIAG_INTERNAL,    /* a compiler bug or an LLVM failure: ember.errors.EmberError */
} DiagKind;

typedef struct Diag {
    DiagKind kind;
    Loc loc;
    const char *filename;
    const char *funcname;
    char *msg;
    struct Diag *next;
} Diag;

/* ---- constants ---------------------------------------------------------------------- */
typedef enum { K_NONE, K_BOOL, K_INT, K_FLOAT, K_COMPLEX, K_STR, K_UINT, K_ELLIPSIS } ConstKind;   /* K_UINT: 2**63 <= value < 2**64, bits in i; K_ELLIPSIS: `...` */

typedef struct {
    ConstKind kind;
    int64_t i;           /* K_BOOL, K_INT */
    double re, im;       /* K_FLOAT (re), K_COMPLEX */
    const char *s;       /* K_STR (arena copy, NUL-terminated) */
} Const;

/* ---- instructions, blocks, functions ------------------------------------------------ */
typedef struct Block Block;
typedef struct Function Function;

typedef struct Instr {
    IrOp op;
    int id;              /* value id, index into fn->instrs */
    int nargs;
    int *args;           /* value ids */
    int imm, imm2;       /* operator, variable or parameter number, element index, ... */
    Loc loc;
    Block *target[2];    /* for JUMP, BRANCH, FORITER */
    Const c;             /* for CONST */
    const char *str;     /* GETATTR's name */
    PyObject *obj;       /* GLOBAL's object, MAKEFUNC's code object, a constant TUPLE's tuple
                            (borrowed: ctx->refs or the code object keeps them alive) */
    PyObject *defaults;  /* MAKEFUNC: the tuple of default values, or NULL */
    int nkw;             /* CALL: the last nkw arguments are keywords named kwnames[] */
    const char **kwnames;
    Block *block;
} Instr;

struct Block {
    int id;
    int offset;          /* bytecode offset of its first instruction */
    Instr **instrs;
    int ninstrs, cap;
    int nstack;          /* operand stack depth on entry (frontend) */
    int *stack_vars;     /* per entry stack slot: the variable carrying it, or -1 */
    Instr **stack_remat; /* per entry stack slot: a constant-like instruction to re-create, or NULL */
    bool push_itervalue; /* a FOR_ITER body: starts by pushing the iterator's value */
    Block *handler;      /* inside a try: where an exception raised in this block goes, or NULL */
    int handler_depth;   /* the entry stack entries the handler keeps (CPython's exception table) */
    bool handler_lasti;  /* the handler also expects CPython's lasti below the exception */
    int push_exc;        /* a handler: starts by pushing the exception (2: lasti, then it) */
    bool planned, done;
};

struct Function {
    struct Ctx *ctx;
    PyObject *code;          /* the code object (a reference held by ctx) */
    const char *name;        /* co_qualname */
    const char *filename;
    int firstline;
    int nparams;             /* positional parameters (co_argcount) */
    int nfree;               /* free variables: passed as extra leading parameters */
    int nvars;
    const char **varnames;   /* variable names; synthetic ones start with '$' */
    Block **blocks;          /* blocks[0] is the entry */
    int nblocks, blocks_cap;
    Instr **instrs;          /* by value id */
    int ninstrs, instrs_cap;
    PyObject *globals;       /* func.__globals__ (borrowed; alive for the compile) */
    PyObject *builtins;
    bool boundscheck;        /* indexing raises IndexError when out of bounds (set by the driver) */
    bool parallel;           /* parallel=True: prange loops run on threads (set by the driver) */
    bool error_numpy;        /* error_model="numpy": division by zero gives inf, nan or 0 (set by the driver) */
    bool fastmath;           /* fastmath=True: float operations may be reassociated (codegen/jit.c; the driver) */
    bool generator;          /* a generator function (a def with yield): its YIELDs suspend it (codegen/lower_gen.c) */
    const Type **declared;   /* per variable: its type from locals=, or NULL (set by the driver) */
    int *declared_dt;        /* per variable with `declared`: a narrow dtype (int8..uint32, float32) its
                              * stores wrap or round to, as Numba's narrow locals; else -1 */
};

/* ---- the compile context ------------------------------------------------------------ */
typedef struct ArenaChunk ArenaChunk;

typedef struct Ctx {
    ArenaChunk *chunks;
    Diag *diags, *diags_tail;
    PyObject *refs;          /* a list keeping Python objects alive for the compile */
    unsigned dump;           /* DUMP_* bits from EMBER_DUMP */
    void *user;              /* the driver's own state (pymodule/driver.c) */
    PyObject *self;          /* the Dispatcher being compiled (borrowed), or NULL: a global named self_name
                              * that is not defined yet is it (a function that calls itself, compiled for a
                              * signature before its module binds its name) */
    const char *self_name;
} Ctx;

enum { DUMP_IR = 1, DUMP_TYPES = 2, DUMP_LLVM = 4, DUMP_OPT = 8, DUMP_ASM = 16, DUMP_TIME = 32 };

/* ir.c */
Ctx *ctx_new(void);
void ctx_free(Ctx *ctx);
void *ctx_alloc(Ctx *ctx, size_t size);                 /* zeroed */
char *ctx_strdup(Ctx *ctx, const char *s);
/* *c as Python constant obj: 0, 1 an int outside 64 bits, 2 a type no constant, -1 an error set. */
int ir_const_of(Ctx *ctx, PyObject *obj, Const *c);
char *ctx_printf(Ctx *ctx, const char *fmt, ...);
PyObject *ctx_keep(Ctx *ctx, PyObject *obj);            /* holds a new reference until ctx_free */
int ctx_error(Ctx *ctx, DiagKind kind, Function *fn, Loc loc, const char *fmt, ...);
int ctx_verror(Ctx *ctx, DiagKind kind, Function *fn, Loc loc, const char *fmt, va_list ap);
unsigned ctx_dump_flags_from_env(void);

Function *ir_new_function(Ctx *ctx);
Block *ir_new_block(Function *fn, int offset);
Instr *ir_emit(Function *fn, Block *b, IrOp op, int nargs, Loc loc);
Instr *ir_clone_into(Function *fn, Block *b, const Instr *src);
Instr *ir_insert(Function *fn, Block *b, int at, IrOp op, int nargs, Loc loc);   /* a new instruction at b's position at */
int ir_position(const Instr *in);   /* in's position in its block (its count of instructions: not there) */
bool ir_cmp_holds(int op, int order);   /* comparison op (IRC_*) of operands ordered -1 less, 0 equal, 1 greater */
int ir_new_var(Function *fn, const char *name);
Instr *ir_terminator(const Block *b);                   /* NULL if the block is open */
/* Its terminator's targets, then its handler (out: room for 3). An exception may leave a block
 * anywhere in it: analyses that follow values into the handler merge every point of the block. */
int ir_successors(const Block *b, Block **out);
int *ir_idoms(Function *fn);   /* per block id: its immediate dominator's (the entry: 0; unreached: -1) */
bool ir_dominates(const int *idom, const Block *d, const Block *b);
char *ir_dump_string(Function *fn, const Type *const *types);   /* in ctx's arena */

#endif
