/* ir.c: the compile context (arena, diagnostics, held references), IR builders and the IR dump.
 *
 * The arena is a list of chunks; every IR object of a compile lives in it and is freed by
 * ctx_free at once. The dump prints one instruction per line:
 *
 *   block 2 (offset 24, stack 1):
 *     %7 = LOADVAR x                       ; float64      line 5
 *     %8 = BINOP + %7, %6                  ; float64      line 5
 *     BRANCH %9 -> block 3, block 4
 */
#include "ir.h"
#include "types.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ir_op_names[IR_NOPS] = {
#define OP(name, nargs, flags) #name,
#include "ir_ops.def"
#undef OP
};
const signed char ir_op_nargs[IR_NOPS] = {
#define OP(name, nargs, flags) nargs,
#include "ir_ops.def"
#undef OP
};
const unsigned char ir_op_flags[IR_NOPS] = {
#define OP(name, nargs, flags) flags,
#include "ir_ops.def"
#undef OP
};
const char *const ir_binop_text[IRB_NOPS] = {
    "+", "&", "//", "<<", "@", "*", "%", "|", "**", ">>", "-", "/", "^"};
const char *const ir_cmp_text[6] = {"<", "<=", "==", "!=", ">", ">="};
const char *const ir_unop_text[4] = {"-", "+", "~", "not"};

/* ---- arena ------------------------------------------------------------------------- */
struct ArenaChunk {
    ArenaChunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

Ctx *ctx_new(void) {
    Ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return NULL;
    ctx->refs = PyList_New(0);
    if (!ctx->refs) { free(ctx); return NULL; }
    return ctx;
}

void ctx_free(Ctx *ctx) {
    if (!ctx) return;
    for (ArenaChunk *c = ctx->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    Py_XDECREF(ctx->refs);
    free(ctx);
}

void *ctx_alloc(Ctx *ctx, size_t size) {
    size = (size + 15) & ~(size_t)15;
    ArenaChunk *c = ctx->chunks;
    if (!c || c->used + size > c->cap) {
        size_t cap = size > 65536 ? size : 65536;
        c = malloc(sizeof *c + cap);
        if (!c) {
            PyErr_NoMemory();
            return NULL;   /* callers treat NULL as an out-of-memory failure */
        }
        c->cap = cap;
        c->used = 0;
        c->next = ctx->chunks;
        ctx->chunks = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *ctx_strdup(Ctx *ctx, const char *s) {
    size_t n = strlen(s) + 1;
    char *p = ctx_alloc(ctx, n);
    if (p) memcpy(p, s, n);
    return p;
}

char *ctx_printf(Ctx *ctx, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = ctx_alloc(ctx, (size_t)n + 1);
    if (p) vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

PyObject *ctx_keep(Ctx *ctx, PyObject *obj) {
    if (obj && PyList_Append(ctx->refs, obj) < 0) return NULL;
    return obj;
}

/* ---- diagnostics ------------------------------------------------------------------- */
int ctx_verror(Ctx *ctx, DiagKind kind, Function *fn, Loc loc, const char *fmt, va_list ap) {
    Diag *d = ctx_alloc(ctx, sizeof *d);
    if (!d) return -1;
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    d->kind = kind;
    d->loc = loc;
    d->filename = fn ? fn->filename : NULL;
    d->funcname = fn ? fn->name : NULL;
    d->msg = ctx_strdup(ctx, buf);
    if (ctx->diags_tail) ctx->diags_tail->next = d;
    else ctx->diags = d;
    ctx->diags_tail = d;
    return -1;
}

int ctx_error(Ctx *ctx, DiagKind kind, Function *fn, Loc loc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ctx_verror(ctx, kind, fn, loc, fmt, ap);
    va_end(ap);
    return -1;
}

/* EMBER_DUMP is a comma-separated list of pass names: ir, types, llvm, opt, asm (or all), and time
 * (each compile's phases and instruction counts, one line each). */
unsigned ctx_dump_flags_from_env(void) {
    const char *s = getenv("EMBER_DUMP");
    if (!s || !*s) return 0;
    static const struct { const char *name; unsigned bit; } names[] = {
        {"ir", DUMP_IR}, {"types", DUMP_TYPES}, {"llvm", DUMP_LLVM},
        {"opt", DUMP_OPT}, {"asm", DUMP_ASM}, {"time", DUMP_TIME},
        {"all", DUMP_IR | DUMP_TYPES | DUMP_LLVM | DUMP_OPT | DUMP_ASM}};
    unsigned bits = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *p = strstr(s, names[i].name);
        size_t n = strlen(names[i].name);
        if (p && (p == s || p[-1] == ',') && (p[n] == 0 || p[n] == ',')) bits |= names[i].bit;
    }
    return bits;
}

/* ---- builders ---------------------------------------------------------------------- */
Function *ir_new_function(Ctx *ctx) {
    Function *fn = ctx_alloc(ctx, sizeof *fn);
    if (fn) fn->ctx = ctx;
    return fn;
}

static int grow(Ctx *ctx, void **arr, int *cap, int need, size_t elem) {
    if (need <= *cap) return 0;
    int ncap = *cap ? *cap * 2 : 16;
    while (ncap < need) ncap *= 2;
    void *p = ctx_alloc(ctx, (size_t)ncap * elem);
    if (!p) return -1;
    if (*arr) memcpy(p, *arr, (size_t)*cap * elem);
    *arr = p;
    *cap = ncap;
    return 0;
}

Block *ir_new_block(Function *fn, int offset) {
    Block *b = ctx_alloc(fn->ctx, sizeof *b);
    if (!b || grow(fn->ctx, (void **)&fn->blocks, &fn->blocks_cap, fn->nblocks + 1, sizeof(Block *)))
        return NULL;
    b->id = fn->nblocks;
    b->offset = offset;
    fn->blocks[fn->nblocks++] = b;
    return b;
}

Instr *ir_emit(Function *fn, Block *b, IrOp op, int nargs, Loc loc) {
    Ctx *ctx = fn->ctx;
    Instr *in = ctx_alloc(ctx, sizeof *in);
    if (!in) return NULL;
    in->op = op;
    in->nargs = nargs;
    in->loc = loc;
    in->block = b;
    if (nargs > 0 && !(in->args = ctx_alloc(ctx, sizeof(int) * (size_t)nargs))) return NULL;
    if (grow(ctx, (void **)&fn->instrs, &fn->instrs_cap, fn->ninstrs + 1, sizeof(Instr *)) ||
        grow(ctx, (void **)&b->instrs, &b->cap, b->ninstrs + 1, sizeof(Instr *)))
        return NULL;
    in->id = fn->ninstrs;
    fn->instrs[fn->ninstrs++] = in;
    b->instrs[b->ninstrs++] = in;
    return in;
}

Instr *ir_clone_into(Function *fn, Block *b, const Instr *src) {
    Instr *in = ir_emit(fn, b, src->op, src->nargs, src->loc);
    if (!in) return NULL;
    int *args = in->args;
    int id = in->id;
    *in = *src;
    in->id = id;
    in->block = b;
    in->args = args;
    if (src->nargs) memcpy(args, src->args, sizeof(int) * (size_t)src->nargs);
    return in;
}

int ir_position(const Instr *in) {
    const Block *b = in->block;
    int at = 0;
    while (at < b->ninstrs && b->instrs[at] != in) at++;
    return at;
}

bool ir_cmp_holds(int op, int order) {
    switch (op) {
    case IRC_LT: return order < 0;
    case IRC_LE: return order <= 0;
    case IRC_EQ: return order == 0;
    case IRC_NE: return order != 0;
    case IRC_GT: return order > 0;
    default: return order >= 0;
    }
}

Instr *ir_insert(Function *fn, Block *b, int at, IrOp op, int nargs, Loc loc) {
    Instr *in = ir_emit(fn, b, op, nargs, loc);
    if (!in) return NULL;
    memmove(b->instrs + at + 1, b->instrs + at, sizeof(Instr *) * (size_t)(b->ninstrs - 1 - at));
    b->instrs[at] = in;
    return in;
}

int ir_new_var(Function *fn, const char *name) {
    const char **names = ctx_alloc(fn->ctx, sizeof(char *) * (size_t)(fn->nvars + 1));
    if (!names) return -1;
    if (fn->nvars) memcpy(names, fn->varnames, sizeof(char *) * (size_t)fn->nvars);
    names[fn->nvars] = ctx_strdup(fn->ctx, name);
    fn->varnames = names;
    return fn->nvars++;
}

Instr *ir_terminator(const Block *b) {
    if (b->ninstrs == 0) return NULL;
    Instr *last = b->instrs[b->ninstrs - 1];
    return (ir_op_flags[last->op] & IRF_TERM) ? last : NULL;
}

int ir_successors(const Block *b, Block **out) {
    Instr *t = ir_terminator(b);
    int n = 0;
    if (t && t->op == IR_JUMP) out[n++] = t->target[0];
    if (t && (t->op == IR_BRANCH || t->op == IR_FORITER)) {
        out[n++] = t->target[0];
        out[n++] = t->target[1];
    }
    if (b->handler) out[n++] = b->handler;
    return n;
}

/* Each block's immediate dominator, by id (the entry: itself; a block the entry does not reach:
 * -1), in fn's arena; NULL when out of memory. Cooper, Harvey and Kennedy's iteration over the
 * reverse postorder, a handler counted as a successor of the blocks it covers (ir_successors). */
int *ir_idoms(Function *fn) {
    int n = fn->nblocks;
    int *idom = ctx_alloc(fn->ctx, sizeof(int) * (size_t)(n + 1)), *post = ctx_alloc(fn->ctx, sizeof(int) * (size_t)(n + 1));
    int *order = ctx_alloc(fn->ctx, sizeof(int) * (size_t)(n + 1)), *stack = ctx_alloc(fn->ctx, sizeof(int) * (size_t)(n + 1));
    int *edge = ctx_alloc(fn->ctx, sizeof(int) * (size_t)(n + 1));
    if (!idom || !post || !order || !stack || !edge || !n) return idom;
    for (int b = 0; b < n; b++) idom[b] = post[b] = -1;
    int sp = 0, np = 0;   /* depth-first from the entry: post[b] is b's place in the postorder */
    stack[sp++] = 0;
    post[0] = -2;   /* (on the stack) */
    while (sp) {
        int b = stack[sp - 1];
        Block *s[3];
        int ns = ir_successors(fn->blocks[b], s);
        if (edge[b] < ns) {
            int t = s[edge[b]++]->id;
            if (post[t] == -1) post[t] = -2, stack[sp++] = t;
            continue;
        }
        sp--;
        order[np] = b;
        post[b] = np++;
    }
    int *first = ctx_alloc(fn->ctx, sizeof(int) * (size_t)(n + 2)), *preds = ctx_alloc(fn->ctx, sizeof(int) * (size_t)(3 * n + 1));
    if (!first || !preds) return NULL;
    for (int p = 0; p < n; p++) {   /* preds[first[b] .. first[b + 1]): b's predecessors */
        Block *s[3];
        int ns = ir_successors(fn->blocks[p], s);
        for (int j = 0; j < ns; j++) first[s[j]->id + 2]++;
    }
    for (int b = 0; b < n; b++) first[b + 2] += first[b + 1];
    for (int p = 0; p < n; p++) {
        Block *s[3];
        int ns = ir_successors(fn->blocks[p], s);
        for (int j = 0; j < ns; j++) preds[first[s[j]->id + 1]++] = p;
    }
    idom[0] = 0;
    for (bool changed = true; changed;) {
        changed = false;
        for (int k = np - 2; k >= 0; k--) {   /* reverse postorder, the entry (last) left out */
            int b = order[k], best = -1;
            for (int e = first[b]; e < first[b + 1]; e++) {   /* its predecessors with a dominator so far */
                int p = preds[e];
                if (idom[p] < 0) continue;
                int x = p, y = best;
                if (best < 0) {
                    best = p;
                    continue;
                }
                while (x != y) {   /* the two walk up to their nearest common dominator */
                    while (post[x] < post[y]) x = idom[x];
                    while (post[y] < post[x]) y = idom[y];
                }
                best = x;
            }
            if (best >= 0 && idom[b] != best) idom[b] = best, changed = true;
        }
    }
    return idom;
}

/* Does block d dominate block b (by ir_idoms' answer idom)? A block dominates itself. */
bool ir_dominates(const int *idom, const Block *d, const Block *b) {
    int x = b->id;
    while (x != d->id) {
        if (x <= 0 || idom[x] < 0) return false;   /* the entry, or a block it does not reach */
        x = idom[x];
    }
    return true;
}

/* ---- dump -------------------------------------------------------------------------- */
typedef struct { char *buf; size_t len, cap; } Sb;

static void sb_printf(Sb *sb, const char *fmt, ...) {
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && sb->len + (size_t)n < sb->cap) {
            sb->len += (size_t)n;
            return;
        }
        size_t ncap = (sb->cap ? sb->cap * 2 : 4096) + (size_t)(n > 0 ? n : 0);
        char *p = realloc(sb->buf, ncap);
        if (!p) return;
        sb->buf = p;
        sb->cap = ncap;
    }
}

static void dump_instr(Sb *sb, Function *fn, Instr *in, const Type *const *types) {
    size_t start = sb->len;
    sb_printf(sb, "  ");
    if (!(ir_op_flags[in->op] & IRF_NOVALUE)) sb_printf(sb, "%%%d = ", in->id);
    sb_printf(sb, "%s", ir_op_names[in->op]);
    switch (in->op) {
    case IR_CONST:
        switch (in->c.kind) {
        case K_NONE: sb_printf(sb, " None"); break;
        case K_BOOL: sb_printf(sb, " %s", in->c.i ? "True" : "False"); break;
        case K_INT: sb_printf(sb, " %lld", (long long)in->c.i); break;
        case K_UINT: sb_printf(sb, " %llu", (unsigned long long)in->c.i); break;
        case K_FLOAT: sb_printf(sb, " %.17g", in->c.re); break;
        case K_COMPLEX: sb_printf(sb, " (%.17g%+.17gj)", in->c.re, in->c.im); break;
        case K_STR: sb_printf(sb, " '%s'", in->c.s); break;
        case K_ELLIPSIS: sb_printf(sb, " ..."); break;
        }
        break;
    case IR_ARG: sb_printf(sb, " %d", in->imm); break;
    case IR_LOADVAR: case IR_STOREVAR: case IR_CELLREF:
        sb_printf(sb, " %s", fn->varnames[in->imm]); break;
    case IR_BINOP: sb_printf(sb, " %s", ir_binop_text[in->imm]); break;
    case IR_UNOP: sb_printf(sb, " %s", ir_unop_text[in->imm]); break;
    case IR_CMP: sb_printf(sb, " %s", ir_cmp_text[in->imm]); break;
    case IR_IS: sb_printf(sb, in->imm ? " not" : ""); break;
    case IR_UNPACK: sb_printf(sb, " [%d of %d]", in->imm, in->imm2); break;
    case IR_GETATTR: sb_printf(sb, " .%s", in->str); break;
    case IR_GLOBAL: {
        PyObject *r = PyObject_Repr(in->obj);
        const char *s = r ? PyUnicode_AsUTF8(r) : NULL;
        sb_printf(sb, " %.60s", s ? s : "?");
        Py_XDECREF(r);
        PyErr_Clear();
        break;
    }
    default: break;
    }
    for (int i = 0; i < in->nargs; i++) sb_printf(sb, "%s%%%d", i ? ", " : " ", in->args[i]);
    if (in->nkw) {
        sb_printf(sb, " kw=(");
        for (int i = 0; i < in->nkw; i++) sb_printf(sb, "%s%s", i ? "," : "", in->kwnames[i]);
        sb_printf(sb, ")");
    }
    if (in->op == IR_JUMP) sb_printf(sb, " -> block %d", in->target[0]->id);
    if (in->op == IR_BRANCH || in->op == IR_FORITER)
        sb_printf(sb, " -> block %d, block %d", in->target[0]->id, in->target[1]->id);
    size_t width = sb->len - start;
    sb_printf(sb, "%*s", width < 44 ? (int)(44 - width) : 1, "");
    if (types && !(ir_op_flags[in->op] & IRF_NOVALUE))
        sb_printf(sb, "; %-14s", types[in->id] ? types[in->id]->name : "?");
    else
        sb_printf(sb, "; %-14s", "");
    sb_printf(sb, " line %d\n", in->loc.line);
}

char *ir_dump_string(Function *fn, const Type *const *types) {
    Sb sb = {0};
    sb_printf(&sb, "function %s (%s:%d), %d params, %d free, %d vars\n", fn->name, fn->filename,
              fn->firstline, fn->nparams, fn->nfree, fn->nvars);
    for (int i = 0; i < fn->nblocks; i++) {
        Block *b = fn->blocks[i];
        sb_printf(&sb, "block %d (offset %d, stack %d", b->id, b->offset, b->nstack);
        if (b->handler) sb_printf(&sb, ", except -> block %d", b->handler->id);
        sb_printf(&sb, "):\n");
        for (int j = 0; j < b->ninstrs; j++) dump_instr(&sb, fn, b->instrs[j], types);
    }
    char *s = sb.buf ? ctx_strdup(fn->ctx, sb.buf) : ctx_strdup(fn->ctx, "");
    free(sb.buf);
    return s;
}

int ir_const_of(Ctx *ctx, PyObject *obj, Const *c) {
    if (obj == Py_None) {
        c->kind = K_NONE;
    } else if (obj == Py_Ellipsis) {   /* a[..., 0]: typeinfer/ellipsis.c */
        c->kind = K_ELLIPSIS;
    } else if (PyBool_Check(obj)) {
        c->kind = K_BOOL;
        c->i = obj == Py_True;
    } else if (PyLong_Check(obj)) {
        int overflow;
        c->kind = K_INT;
        c->i = PyLong_AsLongLongAndOverflow(obj, &overflow);
        if (overflow > 0) {   /* a uint64, as numba types it */
            c->kind = K_UINT;
            c->i = (int64_t)PyLong_AsUnsignedLongLong(obj);
            if (PyErr_Occurred()) PyErr_Clear(), overflow = 1;
            else overflow = 0;
        }
        if (overflow) return 1;
    } else if (PyFloat_Check(obj)) {
        c->kind = K_FLOAT;
        c->re = PyFloat_AS_DOUBLE(obj);
    } else if (PyComplex_Check(obj)) {
        c->kind = K_COMPLEX;
        c->re = PyComplex_RealAsDouble(obj);
        c->im = PyComplex_ImagAsDouble(obj);
    } else if (PyUnicode_Check(obj)) {
        const char *s = PyUnicode_AsUTF8(obj);
        if (!s) return -1;
        c->kind = K_STR;
        c->s = ctx_strdup(ctx, s);
    } else {
        return 2;
    }
    return 0;
}
