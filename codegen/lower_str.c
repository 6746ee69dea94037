/* lower_str.c: strings in generated code. The value is a pointer to a counted block
 * (runtime/rt.h's RtStr: {refcnt, size, alloc, len, kind, hash} then the code points); the
 * operations are calls into runtime/str.c by symbol name (contract 1), each returning a new
 * reference or NULL with the error record set.
 *
 * References follow lower_array.c's rules: a fresh string (what a runtime call returns) goes to
 * its instruction's slot (cg_own), variables own one, every exit drops slots and variables.
 * Literals are constant blocks emitted as writable data (their count changes, their hash is
 * cached) with a count of 2**60 that never reaches zero: a literal costs no allocation.
 */
#include "lower.h"
#include <string.h>

#define STR_LEN_OFFSET 24   /* RtStr.len */

/* ---- values -------------------------------------------------------------------------------- */
/* A literal: {refcnt, size, alloc, len, kind, hash, [len + 1 x iK]} in the object code, a named
 * local symbol: the loader keeps the code's memory while something holds one (runtime/loader.c,
 * rt_code_free). */
LLVMValueRef cg_str_literal(Lower *L, const char *utf8) {
    PyObject *u = PyUnicode_FromString(utf8);
    if (!u) {
        PyErr_Clear();
        u = PyUnicode_FromString("");
    }
    int kind = PyUnicode_KIND(u);
    Py_ssize_t n = PyUnicode_GET_LENGTH(u);
    LLVMTypeRef ct = LLVMIntTypeInContext(L->c, (unsigned)(8 * kind));
    LLVMValueRef *cps = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)(n + 1));
    for (Py_ssize_t i = 0; i <= n; i++)
        cps[i] = LLVMConstInt(ct, i < n ? PyUnicode_READ(kind, PyUnicode_DATA(u), i) : 0, 0);
    Py_DECREF(u);
    LLVMValueRef text = LLVMConstArray2(ct, cps, (uint64_t)(n + 1));
    LLVMValueRef f[7] = {i64c(L, TY_STR_IMMORTAL), i64c(L, 0), LLVMConstNull(L->ptr), i64c(L, n), i64c(L, kind), i64c(L, -1), text};
    LLVMValueRef init = LLVMConstStructInContext(L->c, f, 7, 0);
    LLVMValueRef g = LLVMAddGlobal(L->m, LLVMTypeOf(init), TY_STR_LITERAL);
    LLVMSetInitializer(g, init);
    LLVMSetLinkage(g, LLVMInternalLinkage);
    LLVMSetAlignment(g, 8);
    return g;
}

static LLVMValueRef word_at(Lower *L, LLVMValueRef p, int offset) {
    return LLVMBuildLoad2(L->b, L->i64, cg_gep8(L, p, i64c(L, offset)), "");
}

LLVMValueRef cg_str_len(Lower *L, LLVMValueRef s) { return word_at(L, s, STR_LEN_OFFSET); }

/* A runtime call's new string: NULL fails (the record is set); the reference goes to a slot. */
static LLVMValueRef fresh(Lower *L, LLVMValueRef v, const Type *t) {
    cg_raise_if(L, LLVMBuildIsNull(L->b, v, ""), NULL, NULL);
    return cg_own(L, v, t);
}

static LLVMValueRef call_str(Lower *L, const char *name, LLVMTypeRef *pt, LLVMValueRef *args, int n) {
    return fresh(L, cg_call(L, name, L->ptr, pt, args, n), ty_str);
}

static LLVMValueRef call1(Lower *L, const char *name, LLVMTypeRef t, LLVMValueRef x) {
    return call_str(L, name, &t, &x, 1);
}

/* A record's string field of n UCS4 code points at p (any alignment): a new str, its trailing
 * zeros dropped; and a str stored into one. */
LLVMValueRef cg_str_from_ucs4(Lower *L, LLVMValueRef p, long long n) {
    LLVMTypeRef pt[2] = {L->ptr, L->i64};
    LLVMValueRef x[2] = {p, i64c(L, n)};
    return call_str(L, "ember_rt_str_from_ucs4", pt, x, 2);
}

void cg_str_to_ucs4(Lower *L, LLVMValueRef s, LLVMValueRef p, long long n) {
    LLVMTypeRef pt[3] = {L->ptr, L->ptr, L->i64};
    LLVMValueRef x[3] = {s, p, i64c(L, n)};
    cg_call(L, "ember_rt_str_to_ucs4", L->voidt, pt, x, 3);
}

/* str(x) (repr false) or repr(x) of a number, None or string, as a new string. */
LLVMValueRef cg_to_str(Lower *L, LLVMValueRef v, const Type *t, bool repr) {
    switch (t->kind) {
    case TY_STR: return repr ? call1(L, "ember_rt_str_repr", L->ptr, v) : v;
    case TY_INT64: return call1(L, "ember_rt_str_from_int", L->i64, v);
    case TY_UINT64: return call1(L, "ember_rt_str_from_uint", L->i64, v);
    case TY_FLOAT64: return call1(L, "ember_rt_str_from_float", L->f64, v);
    case TY_BOOL: return call1(L, "ember_rt_str_from_bool", L->i1, v);
    case TY_COMPLEX128: {
        LLVMTypeRef pt[2] = {L->f64, L->f64};
        LLVMValueRef a[2] = {LLVMBuildExtractValue(L->b, v, 0, ""), LLVMBuildExtractValue(L->b, v, 1, "")};
        return call_str(L, "ember_rt_str_from_complex", pt, a, 2);
    }
    case TY_EXCVAL:   /* str(e) or repr(e) of a caught exception */
        return call1(L, repr ? "ember_rt_exc_repr" : "ember_rt_exc_str", L->ptr, cg_exc_at(L, v));
    case TY_NONE: return cg_str_literal(L, "None");
    default: {   /* tuples, lists, dicts, sets, arrays: packed as print packs them, shown by Python */
        char desc[512];
        LLVMValueRef words = cg_pack_values(L, &v, &t, 1, desc, sizeof desc);
        LLVMTypeRef pt[3] = {L->ptr, L->ptr, L->i1};
        LLVMValueRef a[3] = {cg_cstring(L, desc), words, LLVMConstInt(L->i1, repr, 0)};
        return call_str(L, "ember_rt_show_str", pt, a, 3);
    }
    }
}

static LLVMValueRef lower_template(Lower *L, Instr *in, CallInfo *ci);

/* ---- operators ------------------------------------------------------------------------------ */
LLVMValueRef cg_str_binop(Lower *L, Instr *in) {
    if (in->imm == IRB_MOD) return lower_template(L, in, L->ti->calls[in->id]);
    const Type *ta = L->ti->vtypes[in->args[0]];
    LLVMValueRef a = L->vals[in->args[0]], b = L->vals[in->args[1]];
    if (in->imm == IRB_ADD) {
        LLVMTypeRef pt[2] = {L->ptr, L->ptr};
        LLVMValueRef x[2] = {a, b};
        return call_str(L, "ember_rt_str_concat", pt, x, 2);
    }
    /* s * n or n * s */
    LLVMValueRef s = ta == ty_str ? a : b, n = ta == ty_str ? b : a;
    const Type *nt = ta == ty_str ? L->ti->vtypes[in->args[1]] : ta;
    LLVMTypeRef pt[2] = {L->ptr, L->i64};
    LLVMValueRef x[2] = {s, cg_cast(L, n, nt, ty_int64)};
    return call_str(L, "ember_rt_str_repeat", pt, x, 2);
}

LLVMValueRef cg_str_cmp(Lower *L, int op, LLVMValueRef a, LLVMValueRef b) {
    LLVMTypeRef pt[2] = {L->ptr, L->ptr};
    LLVMValueRef x[2] = {a, b};
    if (op == IRC_EQ || op == IRC_NE) {
        LLVMValueRef eq = cg_call(L, "ember_rt_str_eq", L->i1, pt, x, 2);
        cg_mark_reads(L, eq);   /* (mode == "sum" of an argument: hoisted from a loop that stores no string) */
        return op == IRC_EQ ? eq : LLVMBuildNot(L->b, eq, "");
    }
    LLVMValueRef c = cg_call(L, "ember_rt_str_cmp", L->i32, pt, x, 2);
    cg_mark_reads(L, c);
    return cg_str_order(L, op, c);
}

/* Comparison op (an IRC_*) as it holds for a three-way result c (an i32: -1, 0 or 1). */
LLVMValueRef cg_str_order(Lower *L, int op, LLVMValueRef c) {
    static const LLVMIntPredicate preds[] = {[IRC_LT] = LLVMIntSLT, [IRC_LE] = LLVMIntSLE, [IRC_GT] = LLVMIntSGT,
                                             [IRC_GE] = LLVMIntSGE, [IRC_EQ] = LLVMIntEQ, [IRC_NE] = LLVMIntNE};
    return LLVMBuildICmp(L->b, preds[op], c, LLVMConstInt(L->i32, 0, 0), "");
}

LLVMValueRef cg_str_contains(Lower *L, Instr *in) {
    LLVMTypeRef pt[2] = {L->ptr, L->ptr};
    LLVMValueRef x[2] = {L->vals[in->args[0]], L->vals[in->args[1]]};   /* container, item (IR_CONTAINS) */
    LLVMValueRef r = cg_call(L, "ember_rt_str_contains", L->i1, pt, x, 2);
    return in->imm ? LLVMBuildNot(L->b, r, "") : r;
}

/* s[i], s[a:b:c]. */
LLVMValueRef cg_str_getitem(Lower *L, Instr *in) {
    const Type *it = L->ti->vtypes[in->args[1]];
    LLVMValueRef a = L->vals[in->args[0]], i = L->vals[in->args[1]];
    if (it->kind == TY_SLICE) {
        LLVMTypeRef pt[5] = {L->ptr, L->i64, L->i64, L->i64, L->i64};
        LLVMValueRef x[5] = {a, LLVMBuildExtractValue(L->b, i, 0, ""), LLVMBuildExtractValue(L->b, i, 1, ""),
                             LLVMBuildExtractValue(L->b, i, 2, ""), i64c(L, it->n)};
        return call_str(L, "ember_rt_str_slice", pt, x, 5);
    }
    LLVMTypeRef pt[2] = {L->ptr, L->i64};
    LLVMValueRef x[2] = {a, cg_cast(L, i, it, ty_int64)};
    return call_str(L, "ember_rt_str_getitem", pt, x, 2);
}

/* ---- f-strings and templates ----------------------------------------------------------------- */
/* format(v after conversion conv (0, 's', 'r'), spec); spec "" is str(v). */
static LLVMValueRef format_value(Lower *L, LLVMValueRef v, const Type *t, int conv, const char *spec) {
    if (conv) {
        v = cg_to_str(L, v, t, conv == 'r');
        t = ty_str;
    }
    if (!spec[0]) return cg_to_str(L, v, t, false);
    LLVMTypeRef pt[2] = {L->ptr, L->ptr};
    LLVMValueRef x[2] = {v, cg_str_literal(L, spec)};
    switch (t->kind) {
    case TY_STR: return call_str(L, "ember_rt_str_format_str", pt, x, 2);
    case TY_FLOAT64: pt[0] = L->f64; return call_str(L, "ember_rt_str_format_float", pt, x, 2);
    case TY_BOOL: x[0] = LLVMBuildZExt(L->b, v, L->i64, ""); /* fall through */
    default: pt[0] = L->i64; return call_str(L, "ember_rt_str_format_int", pt, x, 2);
    }
}

LLVMValueRef cg_str_format(Lower *L, Instr *in) {
    const Type *st = L->ti->vtypes[in->args[1]];
    const char *spec = st->kind == TY_NONE ? "" : ti_const_str(L->ti, in->args[1]);
    return format_value(L, L->vals[in->args[0]], L->ti->vtypes[in->args[0]], in->imm == 2 ? 'r' : in->imm ? 's' : 0, spec);
}

static LLVMValueRef build(Lower *L, LLVMValueRef *parts, int n) {
    LLVMTypeRef at = LLVMArrayType2(L->ptr, (unsigned long long)(n ? n : 1));
    LLVMValueRef a = cg_entry_alloca(L, at, "pieces");
    for (int i = 0; i < n; i++) {
        LLVMValueRef idx[2] = {i64c(L, 0), i64c(L, i)};
        LLVMBuildStore(L->b, parts[i], LLVMBuildInBoundsGEP2(L->b, at, a, idx, 2, ""));
    }
    LLVMTypeRef pt[2] = {L->ptr, L->i64};
    LLVMValueRef x[2] = {a, i64c(L, n)};
    return call_str(L, "ember_rt_str_build", pt, x, 2);
}

/* A template's pieces (typeinfer/strings.c) over the values vals[] of types[]. */
static LLVMValueRef lower_plan(Lower *L, const StrPlan *plan, LLVMValueRef *vals, const Type **types) {
    LLVMValueRef *parts = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)(plan->n + 1));
    for (int i = 0; i < plan->n; i++) {
        const StrPiece *pc = &plan->pieces[i];
        parts[i] = pc->arg < 0 ? cg_str_literal(L, pc->text)
                 : format_value(L, vals[pc->arg], types[pc->arg], pc->conv, pc->spec);
    }
    return build(L, parts, plan->n);
}

/* "..." % x (x a value or a tuple of them), "...".format(a, b, ...) */
static LLVMValueRef lower_template(Lower *L, Instr *in, CallInfo *ci) {
    LLVMValueRef vals[256];
    const Type *types[256];
    int n = 0;
    if (in->op == IR_BINOP) {
        const Type *bt = L->ti->vtypes[in->args[1]];
        LLVMValueRef b = L->vals[in->args[1]];
        if (ci->nparams == -1) {
            for (n = 0; n < bt->n && n < 256; n++) {
                vals[n] = LLVMBuildExtractValue(L->b, b, (unsigned)n, "");
                types[n] = bt->elems[n];
            }
        } else {
            vals[0] = b;
            types[0] = bt;
            n = 1;
        }
    } else {
        for (n = 0; n + 1 < in->nargs && n < 256; n++) {
            vals[n] = L->vals[in->args[n + 1]];
            types[n] = L->ti->vtypes[in->args[n + 1]];
        }
    }
    return lower_plan(L, ci->plan, vals, types);
}

LLVMValueRef cg_str_build(Lower *L, Instr *in) {
    LLVMValueRef *parts = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)(in->nargs + 1));
    for (int i = 0; i < in->nargs; i++) parts[i] = L->vals[in->args[i]];
    return build(L, parts, in->nargs);
}

/* ---- iteration: state {ptr string, i64 k, i64 n, ptr value} ---------------------------------- */
LLVMTypeRef cg_str_iter_type(Lower *L) {
    LLVMTypeRef f[4] = {L->ptr, L->i64, L->i64, L->ptr};
    return LLVMStructTypeInContext(L->c, f, 4, 0);
}

void cg_str_iter_init(Lower *L, const Type *t, LLVMValueRef s, LLVMValueRef state) {
    LLVMTypeRef st = cg_str_iter_type(L);
    cg_incref(L, s, t);   /* the loop keeps it alive even if its variable changes */
    cg_own(L, s, t);
    LLVMBuildStore(L->b, s, cg_field(L, st, state, 0));
    LLVMBuildStore(L->b, i64c(L, 0), cg_field(L, st, state, 1));
    LLVMBuildStore(L->b, cg_str_len(L, s), cg_field(L, st, state, 2));
}

void cg_str_iter_step(Lower *L, const Type *t, LLVMValueRef state, LLVMValueRef k) {
    LLVMTypeRef st = cg_str_iter_type(L);
    LLVMValueRef s = LLVMBuildLoad2(L->b, L->ptr, cg_field(L, st, state, 0), "");
    LLVMTypeRef pt[2] = {L->ptr, L->i64};
    LLVMValueRef x[2] = {s, k};
    LLVMValueRef v = call_str(L, "ember_rt_str_getitem", pt, x, 2);
    (void)t;
    LLVMBuildStore(L->b, v, cg_field(L, st, state, 3));
}

/* ---- calls: builtins on strings and str methods ---------------------------------------------- */
static LLVMValueRef opt_str(Lower *L, LLVMValueRef v, const Type *t) {
    return t->kind == TY_NONE ? LLVMConstNull(L->ptr) : v;
}

/* The items of a list or tuple of strings as (pointer, count). */
static void str_items(Lower *L, LLVMValueRef v, const Type *t, LLVMValueRef *items, LLVMValueRef *n) {
    if (t->kind == TY_GENERATOR || t == ty_str) {   /* "-".join(s for s in words), "-".join(s): the items first */
        v = cg_list_of_iterable(L, t, v);
        t = ty_list(ty_str);
    }
    if (t->kind == TY_LIST) {
        *items = LLVMBuildLoad2(L->b, L->ptr, cg_gep8(L, v, i64c(L, TY_BLOCK_HEADER + 16)), "items");
        *n = cg_list_len(L, v);
        return;
    }
    LLVMTypeRef at = LLVMArrayType2(L->ptr, (unsigned long long)(t->n ? t->n : 1));
    LLVMValueRef a = cg_entry_alloca(L, at, "strs");
    for (int i = 0; i < t->n; i++) {
        LLVMValueRef idx[2] = {i64c(L, 0), i64c(L, i)};
        LLVMBuildStore(L->b, LLVMBuildExtractValue(L->b, v, (unsigned)i, ""), LLVMBuildInBoundsGEP2(L->b, at, a, idx, 2, ""));
    }
    *items = a;
    *n = i64c(L, t->n);
}

static LLVMValueRef str_method(Lower *L, Instr *in, int id, LLVMValueRef self, LLVMValueRef *args, const Type **types) {
    LLVMTypeRef p = L->ptr, i64 = L->i64;
    switch (id) {
    case STR_STARTSWITH: case STR_ENDSWITH: {   /* a tuple of prefixes: any of them */
        LLVMTypeRef pt[5] = {p, p, i64, i64, L->i1};
        int n = types[0]->kind == TY_TUPLE ? types[0]->n : 1;
        LLVMValueRef any = LLVMConstInt(L->i1, 0, 0);
        for (int k = 0; k < n; k++) {
            LLVMValueRef affix = types[0]->kind == TY_TUPLE ? LLVMBuildExtractValue(L->b, args[0], (unsigned)k, "") : args[0];
            LLVMValueRef x[5] = {self, affix, args[1], args[2], LLVMConstInt(L->i1, id == STR_ENDSWITH, 0)};
            any = LLVMBuildOr(L->b, any, cg_call(L, "ember_rt_str_startswith", L->i1, pt, x, 5), "");
        }
        return any;
    }
    case STR_INDEX: case STR_RINDEX: {
        LLVMTypeRef pt[4] = {p, p, i64, i64};
        LLVMValueRef x[4] = {self, args[0], args[1], args[2]};
        LLVMValueRef at = cg_call(L, id == STR_INDEX ? "ember_rt_str_find" : "ember_rt_str_rfind", i64, pt, x, 4);
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntSLT, at, i64c(L, 0), ""), "builtins:ValueError", "substring not found");
        return at;
    }
    case STR_CAPITALIZE: case STR_CASEFOLD: case STR_SWAPCASE: case STR_TITLE: {
        LLVMTypeRef pt[2] = {p, L->i32};
        LLVMValueRef x[2] = {self, LLVMConstInt(L->i32, (unsigned long long)(id - STR_CAPITALIZE), 0)};
        return call_str(L, "ember_rt_str_recase", pt, x, 2);
    }
    case STR_ISALNUM: case STR_ISDECIMAL: case STR_ISNUMERIC: case STR_ISPRINTABLE: case STR_ISASCII:
    case STR_ISLOWER: case STR_ISUPPER: case STR_ISTITLE: case STR_ISIDENTIFIER: {
        LLVMTypeRef pt[2] = {p, L->i32};
        LLVMValueRef x[2] = {self, LLVMConstInt(L->i32, (unsigned long long)(3 + id - STR_ISALNUM), 0)};
        return cg_call(L, "ember_rt_str_is_more", L->i1, pt, x, 2);
    }
    case STR_CENTER: case STR_LJUST: case STR_RJUST: {
        LLVMTypeRef pt[4] = {p, i64, p, L->i32};
        LLVMValueRef x[4] = {self, args[0], args[1], LLVMConstInt(L->i32, (unsigned long long)(id - STR_CENTER), 0)};
        return call_str(L, "ember_rt_str_pad", pt, x, 4);
    }
    case STR_PARTITION: case STR_RPARTITION: {   /* the runtime writes three new strings */
        LLVMTypeRef at = LLVMArrayType2(p, 3);
        LLVMValueRef out = cg_entry_alloca(L, at, "parts");
        LLVMTypeRef pt[4] = {p, p, L->i1, p};
        LLVMValueRef x[4] = {self, args[0], LLVMConstInt(L->i1, id == STR_RPARTITION, 0), out};
        cg_check_status(L, cg_call(L, "ember_rt_str_partition", L->i32, pt, x, 4));
        const Type *three[3] = {ty_str, ty_str, ty_str}, *tt = ty_tuple(3, three);
        LLVMValueRef v = LLVMGetUndef(cg_type(L, tt));
        for (int k = 0; k < 3; k++) {
            LLVMValueRef idx[2] = {i64c(L, 0), i64c(L, k)};
            v = LLVMBuildInsertValue(L->b, v, LLVMBuildLoad2(L->b, p, LLVMBuildInBoundsGEP2(L->b, at, out, idx, 2, ""), ""), (unsigned)k, "");
        }
        return cg_own(L, v, tt);
    }
    case STR_RSPLIT: {
        LLVMTypeRef pt[3] = {p, p, i64};
        LLVMValueRef x[3] = {self, opt_str(L, args[0], types[0]), args[1]};
        return fresh(L, cg_call(L, "ember_rt_str_rsplit", p, pt, x, 3), ty_list(ty_str));
    }
    case STR_SPLITLINES: {
        LLVMTypeRef pt[2] = {p, L->i1};
        LLVMValueRef x[2] = {self, LLVMBuildICmp(L->b, LLVMIntNE, args[0], i64c(L, 0), "")};
        return fresh(L, cg_call(L, "ember_rt_str_splitlines", p, pt, x, 2), ty_list(ty_str));
    }
    case STR_EXPANDTABS: {
        LLVMTypeRef pt[2] = {p, i64};
        LLVMValueRef x[2] = {self, args[0]};
        return call_str(L, "ember_rt_str_expandtabs", pt, x, 2);
    }
    case STR_REMOVEPREFIX: case STR_REMOVESUFFIX: {
        LLVMTypeRef pt[3] = {p, p, L->i1};
        LLVMValueRef x[3] = {self, args[0], LLVMConstInt(L->i1, id == STR_REMOVESUFFIX, 0)};
        return call_str(L, "ember_rt_str_remove_affix", pt, x, 3);
    }
    case STR_FIND: case STR_RFIND: case STR_COUNT: {
        LLVMTypeRef pt[4] = {p, p, i64, i64};
        LLVMValueRef x[4] = {self, args[0], args[1], args[2]};
        return cg_call(L, id == STR_FIND ? "ember_rt_str_find" : id == STR_RFIND ? "ember_rt_str_rfind" : "ember_rt_str_count",
                       i64, pt, x, 4);
    }
    case STR_REPLACE: {
        LLVMTypeRef pt[4] = {p, p, p, i64};
        LLVMValueRef x[4] = {self, args[0], args[1], args[2]};
        return call_str(L, "ember_rt_str_replace", pt, x, 4);
    }
    case STR_SPLIT: {
        LLVMTypeRef pt[3] = {p, p, i64};
        LLVMValueRef x[3] = {self, opt_str(L, args[0], types[0]), args[1]};
        return fresh(L, cg_call(L, "ember_rt_str_split", p, pt, x, 3), ty_list(ty_str));
    }
    case STR_JOIN: {
        LLVMValueRef items, n;
        str_items(L, args[0], types[0], &items, &n);
        LLVMTypeRef pt[3] = {p, p, i64};
        LLVMValueRef x[3] = {self, items, n};
        return call_str(L, "ember_rt_str_join", pt, x, 3);
    }
    case STR_STRIP: case STR_LSTRIP: case STR_RSTRIP: {
        LLVMTypeRef pt[3] = {p, p, L->i32};
        LLVMValueRef x[3] = {self, opt_str(L, args[0], types[0]),
                             LLVMConstInt(L->i32, id == STR_STRIP ? 3 : id == STR_LSTRIP ? 1 : 2, 0)};
        return call_str(L, "ember_rt_str_strip", pt, x, 3);
    }
    case STR_LOWER: return call1(L, "ember_rt_str_lower", p, self);
    case STR_UPPER: return call1(L, "ember_rt_str_upper", p, self);
    case STR_ISDIGIT: case STR_ISALPHA: case STR_ISSPACE: {
        LLVMTypeRef pt[2] = {p, L->i32};
        LLVMValueRef x[2] = {self, LLVMConstInt(L->i32, (unsigned long long)(id - STR_ISDIGIT), 0)};
        return cg_call(L, "ember_rt_str_is", L->i1, pt, x, 2);
    }
    case STR_ZFILL: {
        LLVMTypeRef pt[2] = {p, i64};
        LLVMValueRef x[2] = {self, args[0]};
        return call_str(L, "ember_rt_str_zfill", pt, x, 2);
    }
    }
    ctx_error(L->ctx, DIAG_INTERNAL, L->fn, in->loc, "no lowering for a str method");
    return NULL;
}

/* int(s) and float(s): the runtime writes the number or raises ValueError. */
static LLVMValueRef parse_number(Lower *L, const char *name, LLVMTypeRef t, LLVMValueRef s) {
    LLVMValueRef out = cg_entry_alloca(L, t, "parsed");
    LLVMTypeRef pt[2] = {L->ptr, L->ptr};
    LLVMValueRef x[2] = {out, s};
    cg_check_status(L, cg_call(L, name, L->i32, pt, x, 2));
    return LLVMBuildLoad2(L->b, t, out, "");
}

/* Is this builtin call one for lower_str.c? */
bool cg_is_str_call(CallInfo *ci, const Type **types) {
    int b = ci->builtin;
    if (b >= METHOD_STR) return true;
    if (b == BI_STR || b == BI_REPR || b == BI_HASH || b == BI_ORD || b == BI_CHR) return true;
    return (b == BI_INT || b == BI_FLOAT || b == BI_LEN) && ci->nparams == 1 && types[0] == ty_str;
}

LLVMValueRef cg_str_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    if (ci->builtin == METHOD_STR + STR_FORMAT) return lower_template(L, in, ci);
    if (ci->builtin >= METHOD_STR)
        return str_method(L, in, ci->builtin - METHOD_STR, L->vals[in->args[0]], args, types);
    LLVMValueRef x = ci->nparams ? args[0] : NULL;
    switch (ci->builtin) {
    case BI_STR: return x ? cg_to_str(L, x, types[0], false) : cg_str_literal(L, "");
    case BI_REPR: return cg_to_str(L, x, types[0], true);
    case BI_LEN: return cg_str_len(L, x);
    case BI_INT: return parse_number(L, "ember_rt_str_to_int", L->i64, x);
    case BI_FLOAT: return parse_number(L, "ember_rt_str_to_float", L->f64, x);
    case BI_HASH: return cg_hash(L, types[0], x);   /* CPython's (a uint64's of its unsigned value) */
    case BI_ORD: {
        LLVMTypeRef pt[2] = {L->ptr, L->ptr};
        LLVMValueRef out = cg_entry_alloca(L, L->i64, "ord"), a[2] = {out, x};
        cg_check_status(L, cg_call(L, "ember_rt_str_ord", L->i32, pt, a, 2));
        return LLVMBuildLoad2(L->b, L->i64, out, "");
    }
    case BI_CHR: {
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntUGE, x, i64c(L, 0x110000), ""), "builtins:ValueError",
                    "chr() arg not in range(0x110000)");
        return call_str(L, "ember_rt_str_chr", &L->i64, &x, 1);
    }
    }
    ctx_error(L->ctx, DIAG_INTERNAL, L->fn, in->loc, "no lowering for a str builtin");
    return NULL;
}
