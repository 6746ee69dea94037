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
    LLVMValueRef out;         /* its result pointer */
    LLVMValueRef *vals;       /* per value id */
    LLVMValueRef *vars;       /* per variable: its stack slot */
    LLVMBasicBlockRef *bbs;   /* per block */
    LLVMBasicBlockRef entry_bb;
    LLVMTypeRef i1, i8, i32, i64, f64, ptr, c128, voidt;
    Loc loc;                  /* of the instruction being lowered */
} Lower;

/* lower.c */
LLVMTypeRef cg_type(Lower *L, const Type *t);
LLVMValueRef cg_cast(Lower *L, LLVMValueRef v, const Type *from, const Type *to);
LLVMValueRef cg_truth(Lower *L, LLVMValueRef v, const Type *t);
LLVMValueRef cg_entry_alloca(Lower *L, LLVMTypeRef t, const char *name);
LLVMValueRef cg_const_of(Lower *L, PyObject *obj, const Type *t);
LLVMValueRef cg_cstring(Lower *L, const char *s);
LLVMValueRef cg_declare(Lower *L, const char *name, LLVMTypeRef ret, LLVMTypeRef *params, int n);
LLVMValueRef cg_call(Lower *L, const char *name, LLVMTypeRef ret, LLVMTypeRef *ptypes,
                     LLVMValueRef *args, int n);
void cg_raise_if(Lower *L, LLVMValueRef cond, const char *exc, const char *msg);
void cg_check_status(Lower *L, LLVMValueRef status);
const char *cg_exc_name(Lower *L, PyObject *cls);

/* lower_ops.c */
LLVMValueRef cg_binop(Lower *L, int op, LLVMValueRef a, LLVMValueRef b, const Type *t, Instr *in);
LLVMValueRef cg_unop(Lower *L, int op, LLVMValueRef a, const Type *at, const Type *t);
LLVMValueRef cg_cmp(Lower *L, int op, LLVMValueRef a, LLVMValueRef b, const Type *t);
LLVMValueRef cg_builtin(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_float_to_int(Lower *L, LLVMValueRef x);
LLVMValueRef cg_range_count(Lower *L, LLVMValueRef range);

#endif
