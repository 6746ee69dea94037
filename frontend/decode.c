/* decode.c: CPython 3.11 bytecode -> ember IR.
 *
 * 1. Decode co_code into instructions (folding EXTENDED_ARG, skipping inline CACHE entries) and
 *    read each one's source position from co_positions().
 * 2. Split at jump targets and after jumps into basic blocks.
 * 3. Walk the blocks from the entry with a worklist, interpreting the operand stack symbolically:
 *    each stack entry is the id of the IR value it holds (or NULL_SLOT for CPython's NULL).
 *    A block's entry stack is fixed by the first edge that reaches it (its "plan"): a slot whose
 *    value is a compile-time entity (a constant, a global, NULL) is re-created in the successor;
 *    any other slot is carried in a synthetic variable "$b<block>.<slot>" that every predecessor
 *    stores before its terminator and the successor loads on entry. Typing then unifies the
 *    stores, so a slot behaves like a phi.
 *
 * Local variables are CPython's "localsplus" slots (locals, cells, free variables) by index; cells
 * are plain variables, and free variables of an inner function arrive as extra parameters.
 * Only this file knows opcode numbers; the table comes from opcodes_311.h (generated).
 */
#include "fe.h"
#include <string.h>

enum {
#define PYOP(name, num, hasarg, caches) PY_##name = num,
#define PYBINOP(i, text)
#define PYCMPOP(i, text)
#define PYCONST(name, value) PYC_##name = value,
#include "opcodes_311.h"
#undef PYOP
#undef PYBINOP
#undef PYCMPOP
#undef PYCONST
};
#define PYCONST(name, value)

static const unsigned char py_caches[256] = {
#define PYOP(name, num, hasarg, caches) [num] = caches,
#define PYBINOP(i, text)
#define PYCMPOP(i, text)
#include "opcodes_311.h"
#undef PYOP
#undef PYBINOP
#undef PYCMPOP
};

static const char *const py_opnames[256] = {
#define PYOP(name, num, hasarg, caches) [num] = #name,
#define PYBINOP(i, text)
#define PYCMPOP(i, text)
#include "opcodes_311.h"
#undef PYOP
#undef PYBINOP
#undef PYCMPOP
};

_Static_assert(PYC_VERSION == 0x030b, "the opcode table is not CPython 3.11's");
#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030C0000
#error "frontend/decode.c decodes CPython 3.11 bytecode; add a table and decoder cases for this version"
#endif

#define NULL_SLOT (-1)

typedef struct {
    int idx;         /* code unit of the opcode (after any EXTENDED_ARG) */
    int start;       /* first code unit, including EXTENDED_ARG prefixes */
    int next;        /* code unit after its inline caches */
    int op, arg;
    Loc loc;
} PyInstr;

typedef struct Spill {
    int offset, slot;   /* stack entry `slot` on entry to the block at code unit `offset` */
} Spill;
#define FE_MAX_SPILLED 64

typedef struct {
    Ctx *ctx;
    Function *fn;
    PyObject *code, *consts, *names;
    PyInstr *ins;
    int nins;
    Block **block_at;   /* by code unit: the block starting there, or NULL */
    int *ins_at;        /* by code unit: index into ins of the instruction starting there, or -1 */
    int ncodeunits;
    Block **work;
    int nwork;
    int *stack;
    int sp, stackcap;
    const char *kwnames[64];   /* from KW_NAMES, for the next CALL */
    int nkw;
    Loc loc;
    Instr null_marker;  /* stands for NULL in a block's stack plan */
    PyObject *closure;  /* a compiled function's cells: its free variables are frozen constants */
    int first_free;     /* the localsplus index of the first free variable */
    int excvar;         /* "$exc": the exception being handled (CPython's exc_info), or -1 */
    Spill *spilled;     /* stack entries that travel in variables though they are globals (edge) */
    int nspilled;
    bool restart;       /* a global must be spilled that was not: decode again */
} Fe;

static int fe_error(Fe *fe, DiagKind kind, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ctx_verror(fe->ctx, kind, fe->fn, fe->loc, fmt, ap);
    va_end(ap);
    return -1;
}

static bool is_backward_jump(int op) {
    return op == PY_JUMP_BACKWARD || op == PY_JUMP_BACKWARD_NO_INTERRUPT ||
           op == PY_POP_JUMP_BACKWARD_IF_FALSE || op == PY_POP_JUMP_BACKWARD_IF_TRUE ||
           op == PY_POP_JUMP_BACKWARD_IF_NONE || op == PY_POP_JUMP_BACKWARD_IF_NOT_NONE;
}

static bool is_forward_jump(int op) {
    return op == PY_JUMP_FORWARD || op == PY_POP_JUMP_FORWARD_IF_FALSE ||
           op == PY_POP_JUMP_FORWARD_IF_TRUE || op == PY_POP_JUMP_FORWARD_IF_NONE ||
           op == PY_POP_JUMP_FORWARD_IF_NOT_NONE || op == PY_JUMP_IF_FALSE_OR_POP ||
           op == PY_JUMP_IF_TRUE_OR_POP || op == PY_FOR_ITER;
}

static int jump_target(const PyInstr *pi) {
    return is_backward_jump(pi->op) ? pi->next - pi->arg : pi->next + pi->arg;
}

static bool ends_block(int op) {
    return op == PY_JUMP_FORWARD || op == PY_JUMP_BACKWARD || op == PY_JUMP_BACKWARD_NO_INTERRUPT ||
           op == PY_RETURN_VALUE || op == PY_RAISE_VARARGS || op == PY_RERAISE;
}

/* ---- step 1: decode ---------------------------------------------------------------- */
static int decode(Fe *fe) {
    PyObject *bytes = PyObject_GetAttrString(fe->code, "co_code");
    if (!bytes) return -1;
    const unsigned char *code = (const unsigned char *)PyBytes_AS_STRING(bytes);
    int n = (int)(PyBytes_GET_SIZE(bytes) / 2);
    fe->ncodeunits = n;

    /* Positions, one per code unit: (line, end_line, col, end_col), any may be None. */
    Loc *locs = ctx_alloc(fe->ctx, sizeof(Loc) * (size_t)(n + 1));
    PyObject *it = locs ? PyObject_CallMethod(fe->code, "co_positions", NULL) : NULL;
    PyObject *iter = it ? PyObject_GetIter(it) : NULL;
    Py_XDECREF(it);
    if (!iter) { Py_DECREF(bytes); return -1; }
    PyObject *pos;
    int k = 0;
    while ((pos = PyIter_Next(iter)) && k < n) {
        PyObject *line = PyTuple_GetItem(pos, 0), *col = PyTuple_GetItem(pos, 2);
        PyObject *endline = PyTuple_GetItem(pos, 1), *endcol = PyTuple_GetItem(pos, 3);
        locs[k].line = line && line != Py_None ? (int)PyLong_AsLong(line) : 0;
        locs[k].col = col && col != Py_None ? (int)PyLong_AsLong(col) : -1;
        bool same_line = endline && endline != Py_None && line && line != Py_None &&
                         PyLong_AsLong(endline) == PyLong_AsLong(line);
        locs[k].end_col = endcol && endcol != Py_None && same_line ? (int)PyLong_AsLong(endcol) : -1;
        Py_DECREF(pos);
        k++;
    }
    Py_DECREF(iter);
    if (PyErr_Occurred()) { Py_DECREF(bytes); return -1; }

    fe->ins = ctx_alloc(fe->ctx, sizeof(PyInstr) * (size_t)(n + 1));
    fe->ins_at = ctx_alloc(fe->ctx, sizeof(int) * (size_t)(n + 1));
    fe->block_at = ctx_alloc(fe->ctx, sizeof(Block *) * (size_t)(n + 1));
    if (!fe->ins || !fe->ins_at || !fe->block_at) { Py_DECREF(bytes); return -1; }
    for (int i = 0; i <= n; i++) fe->ins_at[i] = -1;
    int ext = 0, start = 0;
    for (int i = 0; i < n;) {
        int op = code[2 * i], arg = code[2 * i + 1] | (ext << 8);
        if (op == PY_EXTENDED_ARG) {
            if (ext == 0) start = i;
            ext = arg;
            i++;
            continue;
        }
        PyInstr *pi = &fe->ins[fe->nins];
        pi->idx = i;
        pi->start = ext ? start : i;
        pi->op = op;
        pi->arg = arg;
        pi->next = i + 1 + py_caches[op];
        pi->loc = locs[i];
        fe->ins_at[pi->start] = fe->nins++;
        ext = 0;
        i = pi->next;
    }
    Py_DECREF(bytes);
    return 0;
}

/* ---- step 2: blocks ---------------------------------------------------------------- */
static int make_block(Fe *fe, int unit) {
    if (unit < 0 || unit >= fe->ncodeunits || fe->ins_at[unit] < 0)
        return fe_error(fe, DIAG_INTERNAL, "jump to code unit %d is not an instruction", unit);
    if (!fe->block_at[unit] && !(fe->block_at[unit] = ir_new_block(fe->fn, unit * 2))) return -1;
    return 0;
}

static int find_blocks(Fe *fe) {
    if (make_block(fe, 0)) return -1;
    for (int i = 0; i < fe->nins; i++) {
        PyInstr *pi = &fe->ins[i];
        fe->loc = pi->loc;
        if (is_forward_jump(pi->op) || is_backward_jump(pi->op)) {
            if (make_block(fe, jump_target(pi))) return -1;
            if (i + 1 < fe->nins && make_block(fe, fe->ins[i + 1].start)) return -1;
        } else if (ends_block(pi->op) && i + 1 < fe->nins) {
            if (make_block(fe, fe->ins[i + 1].start)) return -1;
        }
    }
    return 0;
}

/* CPython 3.11's exception table (Objects/exception_handling_notes.txt): entries of four
 * varints (6 bits a byte, 0x40: more follow; 0x80 marks an entry's first byte): start and
 * length in code units, the handler's code unit, and depth << 1 | lasti. */
static int read_varint(const unsigned char *t, Py_ssize_t n, Py_ssize_t *k) {
    int v = 0;
    do {
        if (*k >= n) return -1;
        v = (v << 6) | (t[*k] & 0x3f);
    } while (t[(*k)++] & 0x40);
    return v;
}

/* Split blocks where try regions start and end and at each handler; then give every block in a
 * region its handler (regions do not overlap: the table lists the innermost handler per range). */
static int read_exception_table(Fe *fe) {
    PyObject *table = ((PyCodeObject *)fe->code)->co_exceptiontable;
    const unsigned char *t = (const unsigned char *)PyBytes_AS_STRING(table);
    Py_ssize_t n = PyBytes_GET_SIZE(table), k = 0;
    typedef struct { int start, end, target, depth, lasti; } Entry;
    Entry *e = ctx_alloc(fe->ctx, sizeof(Entry) * (size_t)(n / 4 + 1));
    int ne = 0;
    if (!e) return -1;
    while (k < n) {
        int start = read_varint(t, n, &k), len = read_varint(t, n, &k), target = read_varint(t, n, &k),
            dl = read_varint(t, n, &k);
        if (start < 0 || len < 0 || target < 0 || dl < 0)
            return fe_error(fe, DIAG_INTERNAL, "cannot read the exception table");
        e[ne++] = (Entry){start, start + len, target, dl >> 1, dl & 1};
        if (make_block(fe, start) || make_block(fe, target)) return -1;
        if (start + len < fe->ncodeunits && fe->ins_at[start + len] >= 0 && make_block(fe, start + len)) return -1;
    }
    if (ne) {
        fe->excvar = ir_new_var(fe->fn, "$exc");
        if (fe->excvar < 0) return -1;
    }
    for (int i = 0; i < ne; i++)
        for (int u = e[i].start; u < e[i].end; u++) {
            Block *b = fe->block_at[u];
            if (!b) continue;
            b->handler = fe->block_at[e[i].target];
            b->handler_depth = e[i].depth;
            b->handler_lasti = e[i].lasti;
        }
    return 0;
}

/* ---- step 3: symbolic execution ---------------------------------------------------- */
static int push(Fe *fe, int v) {
    if (fe->sp == fe->stackcap) return fe_error(fe, DIAG_INTERNAL, "operand stack overflow");
    fe->stack[fe->sp++] = v;
    return 0;
}

static int pop(Fe *fe) {
    if (fe->sp == 0) { fe_error(fe, DIAG_INTERNAL, "operand stack underflow"); return -2; }
    return fe->stack[--fe->sp];
}

static Instr *emit(Fe *fe, Block *b, IrOp op, int nargs) {
    return ir_emit(fe->fn, b, op, nargs, fe->loc);
}

/* A compile-time entity that is re-created in a successor instead of being carried in a
 * variable: NULL, a global (module, function, ...) or a closure cell reference. */
/* Stack entry i on the edges into block `to`: a NULL marker, a cell reference or a global (a
 * callee, say) is loaded again in the block it enters, so it stays known at compile time, unless
 * edges into `to` carry different globals there (`f = g if c else h`): then the decode starts
 * again with that entry in a variable, like any value (fe->spilled), and typing joins the
 * functions (typeinfer/funcs.c). */
static bool spilled(Fe *fe, Block *to, int i) {
    for (int k = 0; k < fe->nspilled; k++)
        if (fe->spilled[k].offset == to->offset && fe->spilled[k].slot == i) return true;
    return false;
}

static bool rematerializable(Fe *fe, Block *to, int i) {
    int v = fe->stack[i];
    if (v == NULL_SLOT) return true;
    IrOp op = fe->fn->instrs[v]->op;
    return op == IR_CELLREF || (op == IR_GLOBAL && !spilled(fe, to, i));
}

static bool same_remat(const Instr *a, const Instr *b) {
    if (a->op != b->op) return false;
    if (a->op == IR_GLOBAL) return a->obj == b->obj;
    if (a->op == IR_CELLREF) return a->imm == b->imm;
    return a == b;   /* the NULL marker */
}

/* Make the edge from `from` to `to` carry the first `depth` stack entries: plan `to` if this is
 * its first edge, then emit the stores the plan asks for into `from`. */
static int edge(Fe *fe, Block *from, Block *to, int depth) {
    if (!to->planned) {
        to->planned = true;
        to->nstack = depth;
        to->stack_vars = ctx_alloc(fe->ctx, sizeof(int) * (size_t)(depth + 1));
        to->stack_remat = ctx_alloc(fe->ctx, sizeof(Instr *) * (size_t)(depth + 1));
        if (!to->stack_vars || !to->stack_remat) return -1;
        for (int i = 0; i < depth; i++) {
            int v = fe->stack[i];
            to->stack_vars[i] = -1;
            if (rematerializable(fe, to, i)) {
                to->stack_remat[i] = v == NULL_SLOT ? &fe->null_marker : fe->fn->instrs[v];
            } else {
                char name[48];
                snprintf(name, sizeof name, "$b%d.%d", to->id, i);
                if ((to->stack_vars[i] = ir_new_var(fe->fn, name)) < 0) return -1;
            }
        }
        fe->work[fe->nwork++] = to;
    } else if (to->nstack != depth) {
        return fe_error(fe, DIAG_INTERNAL, "stack depth %d and %d meet at offset %d", to->nstack,
                        depth, to->offset);
    }
    for (int i = 0; i < depth; i++) {
        int v = fe->stack[i];
        if (to->stack_vars[i] >= 0) {
            if (v == NULL_SLOT)
                return fe_error(fe, DIAG_UNSUPPORTED, "unsupported control flow inside a call");
            Instr *st = emit(fe, from, IR_STOREVAR, 1);
            if (!st) return -1;
            st->imm = to->stack_vars[i];
            st->args[0] = v;
        } else {
            const Instr *want = to->stack_remat[i];
            const Instr *have = v == NULL_SLOT ? &fe->null_marker : fe->fn->instrs[v];
            if (!same_remat(want, have) && want->op == IR_GLOBAL && have->op == IR_GLOBAL && fe->nspilled < FE_MAX_SPILLED) {
                fe->spilled[fe->nspilled++] = (Spill){to->offset, i};   /* decode again (fe_build) */
                fe->restart = true;
                return -1;
            }
            if (!same_remat(want, have))
                return fe_error(fe, DIAG_UNSUPPORTED,
                                "unsupported control flow: a callee or module that depends on a branch");
        }
    }
    return 0;
}

/* Load a block's entry stack from its plan. */
static int enter_block(Fe *fe, Block *b) {
    fe->sp = 0;
    for (int i = 0; i < b->nstack; i++) {
        int v;
        if (b->stack_vars[i] >= 0) {
            Instr *ld = emit(fe, b, IR_LOADVAR, 0);
            if (!ld) return -1;
            ld->imm = b->stack_vars[i];
            v = ld->id;
        } else if (b->stack_remat[i] == &fe->null_marker) {
            v = NULL_SLOT;
        } else {
            Instr *c = ir_clone_into(fe->fn, b, b->stack_remat[i]);
            if (!c) return -1;
            c->loc = fe->loc;
            v = c->id;
        }
        if (push(fe, v)) return -1;
    }
    return 0;
}

static int emit_const(Fe *fe, Block *b, PyObject *obj, int *out);

/* A constant tuple of more than 64 numbers of one kind (ints, or floats), as the read-only array
 * of them: a frozen global array (sktime's MiniRocket indexes np.array((0, 1, 2, ...252 ints),
 * dtype=np.int32)). NULL where it is not one (a Python error cleared). */
static PyObject *big_number_tuple(Fe *fe, PyObject *obj) {
    bool ints = true, floats = true;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(obj); i++) {
        PyObject *x = PyTuple_GET_ITEM(obj, i);
        ints &= PyLong_CheckExact(x);
        floats &= PyFloat_CheckExact(x);
    }
    if (!ints && !floats) return NULL;
    PyObject *np = PyImport_ImportModule("numpy");
    PyObject *arr = np ? PyObject_CallMethod(np, "array", "(Os)", obj, ints ? "int64" : "float64") : NULL;
    Py_XDECREF(np);
    if (!arr) {
        PyErr_Clear();   /* (an int beyond int64: refused as before) */
        return NULL;
    }
    ctx_keep(fe->fn->ctx, arr);
    Py_DECREF(arr);
    return arr;
}

static int emit_const(Fe *fe, Block *b, PyObject *obj, int *out) {
    if (PyTuple_Check(obj)) {
        Py_ssize_t n = PyTuple_GET_SIZE(obj);
        int ids[64];
        PyObject *arr = n > 64 ? big_number_tuple(fe, obj) : NULL;
        if (arr) {
            Instr *g = emit(fe, b, IR_GLOBAL, 0);
            if (!g) return -1;
            g->obj = arr;
            g->str = "<a tuple constant of more than 64 numbers: an array>";
            *out = g->id;
            return 0;
        }
        if (n > 64)
            return fe_error(fe, DIAG_UNSUPPORTED, "tuple constant with more than 64 items (of numbers of one kind, it "
                            "is taken as a read-only array)");
        for (Py_ssize_t i = 0; i < n; i++)
            if (emit_const(fe, b, PyTuple_GET_ITEM(obj, i), &ids[i])) return -1;
        Instr *t = emit(fe, b, IR_TUPLE, (int)n);
        if (!t) return -1;
        if (n) memcpy(t->args, ids, sizeof(int) * (size_t)n);   /* () has no args array */
        t->obj = obj;   /* remembered for default values of inner functions */
        *out = t->id;
        return 0;
    }
    if (PyFrozenSet_Check(obj)) {   /* {1, 2, 3} and `x in {1, 2}`: a set of constants */
        Py_ssize_t n = PySet_GET_SIZE(obj), k = 0;
        int ids[64];
        if (n > 64) return fe_error(fe, DIAG_UNSUPPORTED, "set constant with more than 64 items");
        PyObject *it = PyObject_GetIter(obj), *x;
        while (it && (x = PyIter_Next(it))) {
            int rc = emit_const(fe, b, x, &ids[k++]);
            Py_DECREF(x);
            if (rc) { Py_DECREF(it); return -1; }
        }
        Py_XDECREF(it);
        Instr *t = emit(fe, b, IR_SET, (int)n);
        if (!t) return -1;
        if (n) memcpy(t->args, ids, sizeof(int) * (size_t)n);
        *out = t->id;
        return 0;
    }
    if (PySlice_Check(obj)) {   /* folded into constant tuples: a[:, 0] */
        PySliceObject *sl = (PySliceObject *)obj;
        int parts[3];
        if (emit_const(fe, b, sl->start, &parts[0]) || emit_const(fe, b, sl->stop, &parts[1]) ||
            emit_const(fe, b, sl->step, &parts[2]))
            return -1;
        Instr *s = emit(fe, b, IR_SLICE, 3);
        if (!s) return -1;
        memcpy(s->args, parts, sizeof parts);
        *out = s->id;
        return 0;
    }
    if (PyCode_Check(obj)) {   /* the code of an inner function, consumed by MAKE_FUNCTION */
        Instr *g = emit(fe, b, IR_GLOBAL, 0);
        if (!g) return -1;
        g->obj = obj;
        *out = g->id;
        return 0;
    }
    Instr *c = emit(fe, b, IR_CONST, 0);
    if (!c) return -1;
    switch (ir_const_of(fe->ctx, obj, &c->c)) {
    case 0: break;
    case 1: return fe_error(fe, DIAG_UNSUPPORTED, "integer constant does not fit in 64 bits");
    case 2: return fe_error(fe, DIAG_UNSUPPORTED, "constant of type '%s' is not supported", Py_TYPE(obj)->tp_name);
    default: return -1;
    }
    *out = c->id;
    return 0;
}

static const char *name_at(Fe *fe, PyObject *tuple, int i) {
    PyObject *s = PyTuple_GetItem(tuple, i);
    return s ? PyUnicode_AsUTF8(s) : NULL;
}

/* Resolve a global now: module globals first, then builtins. */
static int load_global(Fe *fe, Block *b, const char *name, int *out) {
    PyObject *key = PyUnicode_FromString(name);
    if (!key) return -1;
    PyObject *v = PyDict_GetItemWithError(fe->fn->globals, key);
    if (!v && !PyErr_Occurred() && fe->fn->builtins) {
        v = PyDict_Check(fe->fn->builtins) ? PyDict_GetItemWithError(fe->fn->builtins, key)
                                           : PyObject_GetAttr(fe->fn->builtins, key);
        if (v && !PyDict_Check(fe->fn->builtins)) {   /* new reference from GetAttr */
            ctx_keep(fe->ctx, v);
            Py_DECREF(v);
        } else if (!v) {
            PyErr_Clear();
        }
    }
    Py_DECREF(key);
    if (!v && !PyErr_Occurred() && fe->ctx->self && fe->ctx->self_name && !strcmp(name, fe->ctx->self_name))
        v = fe->ctx->self;   /* the function itself, not bound yet */
    if (!v) {
        if (PyErr_Occurred()) return -1;
        return fe_error(fe, DIAG_TYPING, "name '%s' is not defined", name);
    }
    if (!ctx_keep(fe->ctx, v)) return -1;
    Instr *g = emit(fe, b, IR_GLOBAL, 0);
    if (!g) return -1;
    g->obj = v;
    g->str = ctx_strdup(fe->ctx, name);
    *out = g->id;
    return 0;
}

/* An IR_GLOBAL of obj (a new reference, kept by the compile) named name. */
static int emit_object(Fe *fe, Block *b, PyObject *obj, const char *name, int *out) {
    if (!ctx_keep(fe->ctx, obj)) return -1;
    Py_DECREF(obj);
    Instr *g = emit(fe, b, IR_GLOBAL, 0);
    if (!g) return -1;
    g->obj = obj;
    g->str = ctx_strdup(fe->ctx, name);
    *out = g->id;
    return 0;
}

/* `import m` / `from m import x`: the import runs once, when the function is compiled (as
 * Numba resolves it), and the module is a compile-time value like a global one. level and
 * fromlist are the constants the bytecode loaded for IMPORT_NAME. */
static int import_name(Fe *fe, Block *b, const char *name, int level, int fromlist, int *out) {
    Instr *lv = fe->fn->instrs[level], *fl = fe->fn->instrs[fromlist];
    PyObject *from = Py_None;
    Py_INCREF(from);
    if (fl->op == IR_TUPLE) {
        Py_DECREF(from);
        if (!(from = PyTuple_New(fl->nargs))) return -1;
        for (int i = 0; i < fl->nargs; i++) {
            Instr *c = fe->fn->instrs[fl->args[i]];
            PyObject *s = c->op == IR_CONST && c->c.kind == K_STR ? PyUnicode_FromString(c->c.s) : NULL;
            if (!s) {
                Py_DECREF(from);
                return PyErr_Occurred() ? -1 : fe_error(fe, DIAG_UNSUPPORTED, "this form of import is not supported");
            }
            PyTuple_SET_ITEM(from, i, s);
        }
    }
    PyObject *mod = PyImport_ImportModuleLevel(name, fe->fn->globals, NULL, from,
                                               lv->op == IR_CONST && lv->c.kind == K_INT ? (int)lv->c.i : 0);
    Py_DECREF(from);
    if (!mod) {
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyObject *msg = value ? PyObject_Str(value) : NULL;
        int r = fe_error(fe, DIAG_TYPING, "cannot import %s: %s", name, msg ? PyUnicode_AsUTF8(msg) : "?");
        Py_XDECREF(msg);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        PyErr_Clear();
        return r;
    }
    return emit_object(fe, b, mod, name, out);
}

/* `from m import x`: attribute x of the module IMPORT_NAME left (a submodule if need be). */
static int import_from(Fe *fe, Block *b, int module, const char *name, int *out) {
    PyObject *mod = fe->fn->instrs[module]->obj;
    PyObject *v = mod ? PyObject_GetAttrString(mod, name) : NULL;
    if (!v && mod) {
        PyErr_Clear();
        PyObject *full = PyUnicode_FromFormat("%s.%s", PyModule_GetName(mod), name);
        v = full ? PyImport_Import(full) : NULL;
        Py_XDECREF(full);
    }
    if (!v) {
        PyErr_Clear();
        return fe_error(fe, DIAG_TYPING, "cannot import name '%s'", name);
    }
    return emit_object(fe, b, v, name, out);
}

static int emit_branch(Fe *fe, Block *b, int cond, Block *iftrue, Block *iffalse, int depth_true,
                       int depth_false) {
    if (edge(fe, b, iftrue, depth_true) || edge(fe, b, iffalse, depth_false)) return -1;
    Instr *br = emit(fe, b, IR_BRANCH, 1);
    if (!br) return -1;
    br->args[0] = cond;
    br->target[0] = iftrue;
    br->target[1] = iffalse;
    return 0;
}

static int emit_jump(Fe *fe, Block *b, Block *to) {
    if (edge(fe, b, to, fe->sp)) return -1;
    Instr *j = emit(fe, b, IR_JUMP, 0);
    if (!j) return -1;
    j->target[0] = to;
    return 0;
}

static Block *block_at(Fe *fe, int unit) { return unit < fe->ncodeunits ? fe->block_at[unit] : NULL; }

/* LIST_APPEND of item c to the list stack[-depth]. A display of more than 30 items (`(x, y, ...)`,
 * `[x, y, ...]`, f(x, y, ...)'s arguments) is BUILD_LIST 0 and an append per item in one block
 * (then LIST_TO_TUPLE for a tuple or a call): the literal grows by the item, so its length stays
 * known. A comprehension appends in its loop's block: a run-time append. */
static int display_item(Fe *fe, Block *b, int depth, int c) {
    int list = fe->stack[fe->sp - depth];
    Instr *l = fe->fn->instrs[list];
    bool here = false;
    for (int k = 0; l->op == IR_TUPLE && l->imm == 1 && k < b->ninstrs && !here; k++) here = b->instrs[k] == l;
    Instr *in = emit(fe, b, here ? IR_TUPLE : IR_LISTAPPEND, here ? l->nargs + 1 : 2);
    if (!in) return -1;
    if (!here) {
        in->args[0] = list;
        in->args[1] = c;
        return 0;
    }
    in->imm = 1;
    if (l->nargs) memcpy(in->args, l->args, sizeof(int) * (size_t)l->nargs);
    in->args[l->nargs] = c;
    fe->stack[fe->sp - depth] = in->id;   /* the shorter literal is left unused */
    return 0;
}

/* A display under construction, stack[-depth], gets piece `v` (starred when `starred`): a SPREAD
 * (imm 1, a list display) of its pieces so far and v. */
static int spread(Fe *fe, Block *b, int list, int v, bool starred, int depth) {
    Instr *l = fe->fn->instrs[list];
    int n = l->nargs;
    if (n >= 30) return fe_error(fe, DIAG_UNSUPPORTED, "a display with more than 30 pieces and a *starred one is not supported");
    Instr *in = emit(fe, b, IR_SPREAD, n + 1);
    if (!in) return -1;
    if (n) memcpy(in->args, l->args, sizeof(int) * (size_t)n);
    in->args[n] = v;
    in->imm = 1;
    in->imm2 = (l->op == IR_SPREAD ? l->imm2 : 0) | (starred ? 1 << n : 0);
    fe->stack[fe->sp - depth] = in->id;
    return 0;
}

#define POP(var) do { if ((var = pop(fe)) == -2) return -1; } while (0)
#define PUSH(v) do { if (push(fe, (v))) return -1; } while (0)
/* Display d (an IR_DICT of block b) given n more operands (keys and values alternating), and moved
 * after them to the end of b: CPython 3.11 builds a call of 16 keywords or more, and a dict display
 * of more than 16 items, as BUILD_MAP 0 then MAP_ADD or DICT_UPDATE. */
static int grow_display(Fe *fe, Block *b, Instr *d, const int *kv, int n) {
    int *grown = ctx_alloc(fe->ctx, sizeof(int) * (size_t)(d->nargs + n + 1));
    if (!grown) return -1;
    if (d->nargs) memcpy(grown, d->args, sizeof(int) * (size_t)d->nargs);
    memcpy(grown + d->nargs, kv, sizeof(int) * (size_t)n);
    d->args = grown;
    d->nargs += n;
    int at = ir_position(d);
    if (at < b->ninstrs) {
        memmove(b->instrs + at, b->instrs + at + 1, sizeof(Instr *) * (size_t)(b->ninstrs - at - 1));
        b->instrs[b->ninstrs - 1] = d;
    }
    return 0;
}

#define EMIT(var, op, n) do { if (!(var = emit(fe, b, op, n))) return -1; } while (0)

static int unsupported_op(Fe *fe, int op) {
    const char *what;
    switch (op) {
    case PY_STORE_GLOBAL: case PY_DELETE_GLOBAL: what = "assignment to a global variable"; break;
    case PY_UNPACK_EX: what = "starred assignment"; break;
    case PY_CALL_FUNCTION_EX: what = "calls with *args or **kwargs"; break;
    case PY_YIELD_VALUE: case PY_RETURN_GENERATOR: what = "yield inside a nested function or lambda"; break;
    case PY_GET_YIELD_FROM_ITER: case PY_SEND: what = "yield from (write for x in it: yield x)"; break;
    case PY_DELETE_DEREF: what = "del of a variable an inner function uses"; break;
    default: what = NULL;
    }
    if (what) return fe_error(fe, DIAG_UNSUPPORTED, "%s is not supported", what);
    return fe_error(fe, DIAG_UNSUPPORTED, "bytecode %s is not supported",
                    py_opnames[op] ? py_opnames[op] : "?");
}

/* Inside a try, the handler gets the stack's first handler_depth entries: store them for it
 * (an edge) whenever they differ from what was last stored, so wherever an instruction of the
 * block fails, the handler's entry stack holds what CPython's would. */
static int carry_to_handler(Fe *fe, Block *b, int *carried, int *ncarried) {
    int depth = b->handler_depth;
    if (depth > 64) return fe_error(fe, DIAG_UNSUPPORTED, "try statement nested too deeply");
    if (depth > fe->sp) return 0;   /* (not inside the try at this instruction) */
    if (*ncarried == depth && !memcmp(carried, fe->stack, sizeof(int) * (size_t)depth)) return 0;
    if (edge(fe, b, b->handler, depth)) return -1;
    b->handler->push_exc = 1 + b->handler_lasti;
    memcpy(carried, fe->stack, sizeof(int) * (size_t)depth);
    *ncarried = depth;
    return 0;
}

/* ---- with objmode(...) ------------------------------------------------------------------
 * CPython 3.11 compiles `with cm: body` to
 *     <cm> BEFORE_WITH POP_TOP  <body>  LOAD_CONST None x3 PRECALL 2 CALL 2 POP_TOP  (jump on)
 *     H: PUSH_EXC_INFO WITH_EXCEPT_START ...            (the handler, right after the normal exit)
 * with H inline after the body (nested withs' handlers inside it). The block is the code from
 * the POP_TOP to the last exit call at its own nesting depth before H; a return, break or
 * continue leaves through an exit call of its own inside it and is refused. The body's bytecode
 * is never decoded: one OBJMODE instruction takes the variables the body reads before it
 * assigns them (its live-ins) and gives the tuple of the declared outputs, which are stored
 * into their variables. pymodule/ember/_objmode.py outlines the body from the source. */
static bool is_load_none(Fe *fe, const PyInstr *pi) {
    return pi->op == PY_LOAD_CONST && PyTuple_GET_ITEM(fe->consts, pi->arg) == Py_None;
}

static bool is_exit_call(Fe *fe, int k) {   /* LOAD_CONST None x3, PRECALL 2, CALL 2, POP_TOP */
    if (k + 5 >= fe->nins) return false;
    const PyInstr *p = &fe->ins[k];
    return is_load_none(fe, &p[0]) && is_load_none(fe, &p[1]) && is_load_none(fe, &p[2]) && p[3].op == PY_PRECALL &&
           p[3].arg == 2 && p[4].op == PY_CALL && p[4].arg == 2 && p[5].op == PY_POP_TOP;
}

/* The object a context-manager expression names: objmode, numba.objmode, or objmode(...)'s callee. */
static PyObject *with_callee(Fe *fe, int v, const char **name) {
    Instr *in = v >= 0 ? fe->fn->instrs[v] : NULL;
    *name = "this context manager";
    if (in && in->op == IR_CALL) in = fe->fn->instrs[in->args[0]];
    if (in && in->op == IR_GLOBAL) {
        *name = in->str ? in->str : *name;
        return in->obj;
    }
    if (in && in->op == IR_GETATTR) {
        *name = in->str;
        Instr *owner = fe->fn->instrs[in->args[0]];
        if (owner->op != IR_GLOBAL || !PyModule_Check(owner->obj)) return NULL;
        PyObject *v2 = PyObject_GetAttrString(owner->obj, in->str);
        if (!v2) { PyErr_Clear(); return NULL; }
        ctx_keep(fe->ctx, v2);
        Py_DECREF(v2);
        return v2;
    }
    return NULL;
}

/* The context-manager expression is the frontend's alone (outline reads the types from the
 * source): its instructions become None constants, so typing never sees objmode(...). */
static void drop_expr(Fe *fe, int v) {
    if (v < 0) return;
    Instr *in = fe->fn->instrs[v];
    if (in->op != IR_CALL && in->op != IR_GLOBAL && in->op != IR_GETATTR && in->op != IR_GETITEM &&
        in->op != IR_SLICE && in->op != IR_TUPLE && in->op != IR_CONST)
        return;
    for (int k = 0; k < in->nargs; k++) drop_expr(fe, in->args[k]);
    in->op = IR_CONST;
    in->nargs = 0;
    in->nkw = 0;
    memset(&in->c, 0, sizeof in->c);
    in->c.kind = K_NONE;
}

static bool is_var_load(int op) { return op == PY_LOAD_FAST || op == PY_LOAD_CLOSURE || op == PY_LOAD_DEREF; }
static bool is_var_store(int op) { return op == PY_STORE_FAST || op == PY_STORE_DEREF || op == PY_DELETE_FAST; }

/* Ask pymodule/ember/_objmode.py for the block's key and declared outputs. */
static PyObject *outline_block(Fe *fe, int line, PyObject *live_ins) {
    PyObject *mod = PyImport_ImportModule("ember._objmode");
    PyObject *r = mod ? PyObject_CallMethod(mod, "outline", "OOOiO", fe->code, fe->fn->globals,
                                            fe->closure ? fe->closure : Py_None, line, live_ins) : NULL;
    Py_XDECREF(mod);
    if (r && (!PyTuple_Check(r) || PyTuple_GET_SIZE(r) != 4)) Py_CLEAR(r);
    if (!r) {
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyObject *text = value ? PyObject_Str(value) : NULL;
        bool unsupported = type && !strcmp(((PyTypeObject *)type)->tp_name, "UnsupportedError");
        fe_error(fe, unsupported ? DIAG_UNSUPPORTED : DIAG_TYPING, "cannot compile this objmode block: %s",
                 text && PyUnicode_Check(text) ? PyUnicode_AsUTF8(text) : "?");
        PyErr_Clear();
        Py_XDECREF(text);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
    }
    return r;
}

/* At BEFORE_WITH (instruction *at): emit the block and leave *at on its last instruction.
 * Returns 0, 1 when nothing follows the block (its body always raises), or -1. */
static int objmode_block(Fe *fe, Block *b, int *at) {
    int cm, start = *at + 2;
    if ((cm = pop(fe)) == -2) return -1;
    const char *name;
    PyObject *obj = with_callee(fe, cm, &name), *mod = PyImport_ImportModule("ember._objmode");
    PyObject *om = mod ? PyObject_GetAttrString(mod, "objmode") : NULL;
    Py_XDECREF(mod);
    Py_XDECREF(om);   /* the module keeps it */
    if (!om) return -1;
    if (obj != om)
        return fe_error(fe, DIAG_UNSUPPORTED, "the with statement compiles only objmode(...) blocks; '%s' is not a "
                        "context manager ember knows", name);
    Instr *call = fe->fn->instrs[cm];
    if (call->op == IR_CALL && call->nargs > 1 + call->nkw)
        return fe_error(fe, DIAG_UNSUPPORTED, "objmode takes the outputs as keywords: objmode(y=\"float64[:]\")");
    if (start >= fe->nins || fe->ins[start - 1].op != PY_POP_TOP)
        return fe_error(fe, DIAG_UNSUPPORTED, "'with objmode(...) as name' is not supported: objmode gives no value");
    int line = fe->loc.line;
    Loc with_loc = fe->loc;

    /* The extent: H, and the last exit call before it at depth 0. */
    int depth = 0, end = -1, handler = -1;
    for (int k = start; k < fe->nins && handler < 0; k++) {
        int op = fe->ins[k].op;
        if (op == PY_BEFORE_WITH) depth++;
        else if (op == PY_PUSH_EXC_INFO && k + 1 < fe->nins && fe->ins[k + 1].op == PY_WITH_EXCEPT_START) {
            if (depth == 0) handler = k;
            else depth--;
        } else if (depth == 0 && is_exit_call(fe, k)) {
            end = k;
        }
    }
    if (handler < 0) return fe_error(fe, DIAG_INTERNAL, "cannot find the end of this objmode block");
    int stop = end >= 0 ? end : handler;   /* the body: instructions [start, stop) */
    int lo = fe->ins[start].start;
    for (int k = start; k < handler; k++) {
        PyInstr *pi = &fe->ins[k];
        bool leaves = pi->op == PY_RETURN_VALUE ||
                      (k < stop && (is_forward_jump(pi->op) || is_backward_jump(pi->op)) &&
                       (jump_target(pi) < lo || jump_target(pi) > fe->ins[handler].start));
        if (leaves) {   /* at the statement: the last instruction before k not on the with's line */
            fe->loc = pi->loc;
            for (int j = k - 1; j >= start; j--)
                if (fe->ins[j].loc.line && fe->ins[j].loc.line != line) {
                    fe->loc = fe->ins[j].loc;
                    break;
                }
            return fe_error(fe, DIAG_UNSUPPORTED, "%s inside an objmode block is not supported: the block "
                            "runs to its end", pi->op == PY_RETURN_VALUE ? "return" : "break or continue");
        }
    }

    /* Live-ins: the variables whose first use in the body reads them; and what it assigns. */
    int nlocals = fe->first_free;
    char *first = ctx_alloc(fe->ctx, (size_t)fe->fn->nvars + 1);   /* 0 unused, 'l' load first, 's' store first */
    bool *stored = ctx_alloc(fe->ctx, (size_t)fe->fn->nvars + 1);
    if (!first || !stored) return -1;
    for (int k = start; k < stop; k++) {
        PyInstr *pi = &fe->ins[k];
        if ((is_var_load(pi->op) || is_var_store(pi->op)) && pi->arg < nlocals) {
            if (!first[pi->arg]) first[pi->arg] = is_var_load(pi->op) ? 'l' : 's';
            if (is_var_store(pi->op)) stored[pi->arg] = true;
        }
    }
    PyObject *live = PyList_New(0);
    if (!live) return -1;
    for (int v = 0; v < nlocals; v++)
        if (first[v] == 'l') {
            PyObject *s = PyUnicode_FromString(fe->fn->varnames[v]);
            if (!s || PyList_Append(live, s)) { Py_XDECREF(s); Py_DECREF(live); return -1; }
            Py_DECREF(s);
        }
    PyObject *r = outline_block(fe, line, live);
    Py_DECREF(live);
    if (!r || !ctx_keep(fe->ctx, r)) { Py_XDECREF(r); return -1; }
    Py_DECREF(r);
    PyObject *outs = PyTuple_GET_ITEM(r, 1);
    int nouts = (int)PyTuple_GET_SIZE(outs), *outvar = ctx_alloc(fe->ctx, sizeof(int) * (size_t)(nouts + 1));
    if (!outvar) return -1;
    for (int k = 0; k < nouts; k++) {
        const char *o = PyUnicode_AsUTF8(PyTuple_GET_ITEM(outs, k));
        outvar[k] = -1;
        for (int v = 0; v < nlocals && o; v++)
            if (!strcmp(fe->fn->varnames[v], o)) outvar[k] = v;
        if (outvar[k] < 0 || (!stored[outvar[k]] && first[outvar[k]] != 'l'))
            return fe_error(fe, DIAG_TYPING, "objmode output '%s' is not assigned in the block", o ? o : "?");
    }
    /* A variable the body assigns and other code reads must be declared (its type comes from nowhere else). */
    for (int k = 0; k < fe->nins; k++) {
        PyInstr *pi = &fe->ins[k];
        if (k >= start && k < stop) continue;
        if (!is_var_load(pi->op) || pi->arg >= nlocals || !stored[pi->arg]) continue;
        bool declared = false;
        for (int j = 0; j < nouts; j++) declared |= outvar[j] == pi->arg;
        if (!declared)
            return fe_error(fe, DIAG_TYPING, "variable '%s' is assigned in the objmode block and used outside it: "
                            "declare its type, as in objmode(%s=\"float64\")", fe->fn->varnames[pi->arg],
                            fe->fn->varnames[pi->arg]);
    }

    drop_expr(fe, cm);
    /* OBJMODE(live-ins) -> (outputs); then each output into its variable. */
    fe->loc = with_loc;
    int nin = 0, ids[256];
    for (int v = 0; v < nlocals; v++)
        if (first[v] == 'l') {
            if (nin == 256) return fe_error(fe, DIAG_UNSUPPORTED, "an objmode block reads more than 256 variables");
            Instr *ld = emit(fe, b, IR_LOADVAR, 0);
            if (!ld) return -1;
            ld->imm = v;
            ids[nin++] = ld->id;
        }
    Instr *om_in = emit(fe, b, IR_OBJMODE, nin);
    if (!om_in) return -1;
    if (nin) memcpy(om_in->args, ids, sizeof(int) * (size_t)nin);
    om_in->obj = r;
    for (int k = 0; k < nouts; k++) {
        Instr *u = emit(fe, b, IR_UNPACK, 1), *st;
        if (!u) return -1;
        u->args[0] = om_in->id;
        u->imm = k;
        u->imm2 = nouts;
        if (!(st = emit(fe, b, IR_STOREVAR, 1))) return -1;
        st->imm = outvar[k];
        st->args[0] = u->id;
    }
    if (end < 0) {   /* CPython dropped the code after a body that always raises: so does this */
        int cls;
        Instr *g = emit(fe, b, IR_GLOBAL, 0), *raise;
        if (!g) return -1;
        g->obj = PyExc_SystemError;
        g->str = "SystemError";
        cls = g->id;
        if (!(raise = emit(fe, b, IR_RAISE, 1))) return -1;
        raise->args[0] = cls;
        return 1;
    }
    *at = end + 5;   /* the exit call's POP_TOP */
    return 0;
}

static int run_block(Fe *fe, Block *b) {
    int i = fe->ins_at[b->offset / 2], v;
    fe->loc = fe->ins[i].loc;
    if (enter_block(fe, b)) return -1;
    if (b->push_exc) {   /* a handler: CPython pushes lasti (unused here), then the exception */
        if (b->push_exc == 2 && (emit_const(fe, b, Py_None, &v) || push(fe, v))) return -1;
        Instr *x = emit(fe, b, IR_EXCFETCH, 0);
        if (!x) return -1;
        PUSH(x->id);
    }
    if (b->push_itervalue) {   /* the value FOR_ITER pushed, made where the loop body uses it */
        Instr *iv = emit(fe, b, IR_ITERVALUE, 1);
        if (!iv) return -1;
        iv->args[0] = fe->stack[fe->sp - 1];
        PUSH(iv->id);
    }
    int carried[64], ncarried = -1;   /* the stack entries last carried to the handler */
    for (; i < fe->nins; i++) {
        PyInstr *pi = &fe->ins[i];
        if (pi->start != b->offset / 2 && fe->block_at[pi->start])   /* fell into the next block */
            return emit_jump(fe, b, fe->block_at[pi->start]);
        if (pi->loc.line) fe->loc = pi->loc;
        if (b->handler && carry_to_handler(fe, b, carried, &ncarried)) return -1;
        int a, c;
        Instr *in;
        v = -1;
        switch (pi->op) {
        case PY_NOP: case PY_RESUME: case PY_PRECALL: case PY_MAKE_CELL: case PY_COPY_FREE_VARS:
            break;
        case PY_LOAD_DEREF:
            if (fe->closure && pi->arg >= fe->first_free) {   /* frozen, as numba does */
                PyObject *value = PyCell_GET(PyTuple_GET_ITEM(fe->closure, pi->arg - fe->first_free));
                if (!value)
                    return fe_error(fe, DIAG_TYPING, "free variable '%s' is used before it is assigned",
                                    fe->fn->varnames[pi->arg]);
                if (!ctx_keep(fe->ctx, value)) return -1;
                EMIT(in, IR_GLOBAL, 0);
                in->obj = value;
                in->str = fe->fn->varnames[pi->arg];
                PUSH(in->id);
                break;
            }
            /* fall through */
        case PY_LOAD_FAST:
            EMIT(in, IR_LOADVAR, 0);
            in->imm = pi->arg;
            PUSH(in->id);
            break;
        case PY_LOAD_CLOSURE:
            EMIT(in, IR_CELLREF, 0);
            in->imm = pi->arg;
            PUSH(in->id);
            break;
        case PY_STORE_FAST: case PY_STORE_DEREF:
            if (pi->op == PY_STORE_DEREF && pi->arg >= fe->first_free)
                return fe_error(fe, DIAG_UNSUPPORTED,
                                "assigning to the enclosing function's variable '%s' (nonlocal) "
                                "is not supported", fe->fn->varnames[pi->arg]);
            POP(a);
            if (a == NULL_SLOT) return fe_error(fe, DIAG_INTERNAL, "store of NULL");
            EMIT(in, IR_STOREVAR, 1);
            in->imm = pi->arg;
            in->args[0] = a;
            break;
        case PY_LOAD_CONST:
            if (emit_const(fe, b, PyTuple_GET_ITEM(fe->consts, pi->arg), &v)) return -1;
            PUSH(v);
            break;
        case PY_LOAD_GLOBAL: {
            const char *name = name_at(fe, fe->names, pi->arg >> 1);
            if (!name) return -1;
            if (pi->arg & 1) PUSH(NULL_SLOT);
            if (load_global(fe, b, name, &v)) return -1;
            PUSH(v);
            break;
        }
        case PY_LOAD_ATTR: case PY_LOAD_METHOD: {
            const char *name = name_at(fe, fe->names, pi->arg);
            if (!name) return -1;
            POP(a);
            EMIT(in, IR_GETATTR, 1);
            in->args[0] = a;
            in->str = ctx_strdup(fe->ctx, name);
            if (pi->op == PY_LOAD_METHOD) PUSH(NULL_SLOT);
            PUSH(in->id);
            break;
        }
        case PY_STORE_ATTR: {   /* a.shape = (3, 2) on a local array: a = a.$shape((3, 2)), in place */
            const char *name = name_at(fe, fe->names, pi->arg);
            if (!name) return -1;
            POP(a);
            POP(v);
            Instr *owner = fe->fn->instrs[a];
            if (strcmp(name, "shape") || owner->op != IR_LOADVAR) {   /* r.x = v: r["x"] = v, for a record's field */
                Instr *key, *set;
                EMIT(key, IR_CONST, 0);
                key->c.kind = K_STR;
                if (!(key->c.s = ctx_strdup(fe->ctx, name))) return -1;
                EMIT(set, IR_SETITEM, 3);
                set->args[0] = a;
                set->args[1] = key->id;
                set->args[2] = v;
                set->imm2 = IR_SET_ATTR;   /* typing says "attribute assignment" where the target is no record */
                break;
            }
            if (owner->imm < fe->fn->nparams)   /* the caller's array object would keep its shape */
                return fe_error(fe, DIAG_UNSUPPORTED, "setting the shape of argument '%s' is not supported (the caller's array "
                                "would keep its shape): use a = a.reshape(...)", fe->fn->varnames[owner->imm]);
            Instr *get, *call, *store;
            EMIT(get, IR_GETATTR, 1);
            get->args[0] = a;
            get->str = "$shape";
            EMIT(call, IR_CALL, 2);
            call->args[0] = get->id;
            call->args[1] = v;
            EMIT(store, IR_STOREVAR, 1);
            store->imm = owner->imm;
            store->args[0] = call->id;
            break;
        }
        case PY_IMPORT_NAME: {
            const char *name = name_at(fe, fe->names, pi->arg);
            if (!name) return -1;
            POP(a);   /* fromlist */
            int level;
            POP(level);
            if (import_name(fe, b, name, level, a, &v)) return -1;
            PUSH(v);
            break;
        }
        case PY_IMPORT_FROM: {
            const char *name = name_at(fe, fe->names, pi->arg);
            if (!name || import_from(fe, b, fe->stack[fe->sp - 1], name, &v)) return -1;
            PUSH(v);
            break;
        }
        case PY_LOAD_ASSERTION_ERROR:
            EMIT(in, IR_GLOBAL, 0);
            in->obj = PyExc_AssertionError;
            in->str = "AssertionError";
            PUSH(in->id);
            break;
        case PY_PUSH_NULL:
            PUSH(NULL_SLOT);
            break;
        case PY_POP_TOP:
            POP(a);
            break;
        case PY_COPY:
            if (pi->arg < 1 || pi->arg > fe->sp) return fe_error(fe, DIAG_INTERNAL, "bad COPY");
            PUSH(fe->stack[fe->sp - pi->arg]);
            break;
        case PY_SWAP: {
            if (pi->arg < 1 || pi->arg > fe->sp) return fe_error(fe, DIAG_INTERNAL, "bad SWAP");
            int t = fe->stack[fe->sp - 1];
            fe->stack[fe->sp - 1] = fe->stack[fe->sp - pi->arg];
            fe->stack[fe->sp - pi->arg] = t;
            break;
        }
        case PY_BINARY_OP:
            POP(c);
            POP(a);
            EMIT(in, IR_BINOP, 2);
            in->imm = pi->arg % IRB_NOPS;   /* in-place forms follow the 13 plain ones */
            in->imm2 = pi->arg >= IRB_NOPS;
            in->args[0] = a;
            in->args[1] = c;
            PUSH(in->id);
            break;
        case PY_COMPARE_OP: case PY_IS_OP:
            POP(c);
            POP(a);
            EMIT(in, pi->op == PY_IS_OP ? IR_IS : IR_CMP, 2);
            in->imm = pi->arg;
            in->args[0] = a;
            in->args[1] = c;
            PUSH(in->id);
            break;
        case PY_FORMAT_VALUE: {   /* (value[, spec]) -> text; arg: conversion in bits 0-1, a spec when bit 2 */
            int spec;
            if (pi->arg & 4) POP(spec);
            else if (emit_const(fe, b, Py_None, &spec)) return -1;
            POP(a);
            EMIT(in, IR_FORMAT, 2);
            in->imm = pi->arg & 3;
            in->args[0] = a;
            in->args[1] = spec;
            PUSH(in->id);
            break;
        }
        case PY_BUILD_STRING:
            if (pi->arg > fe->sp) return fe_error(fe, DIAG_INTERNAL, "bad BUILD_STRING");
            EMIT(in, IR_BUILDSTR, pi->arg);
            for (int k = pi->arg - 1; k >= 0; k--) POP(in->args[k]);
            PUSH(in->id);
            break;
        case PY_UNARY_NEGATIVE: case PY_UNARY_POSITIVE: case PY_UNARY_INVERT: case PY_UNARY_NOT:
            POP(a);
            EMIT(in, IR_UNOP, 1);
            in->imm = pi->op == PY_UNARY_NEGATIVE ? IRU_NEG : pi->op == PY_UNARY_POSITIVE ? IRU_POS
                    : pi->op == PY_UNARY_INVERT ? IRU_INVERT : IRU_NOT;
            in->args[0] = a;
            PUSH(in->id);
            break;
        case PY_BINARY_SUBSCR:
            POP(c);
            POP(a);
            EMIT(in, IR_GETITEM, 2);
            in->args[0] = a;
            in->args[1] = c;
            PUSH(in->id);
            break;
        case PY_BUILD_TUPLE: case PY_BUILD_LIST: {
            if (pi->arg > fe->sp) return fe_error(fe, DIAG_INTERNAL, "bad BUILD_TUPLE");
            EMIT(in, IR_TUPLE, pi->arg);
            in->imm = pi->op == PY_BUILD_LIST;
            for (int k = pi->arg - 1; k >= 0; k--) POP(in->args[k]);
            PUSH(in->id);
            break;
        }
        case PY_LIST_EXTEND: {   /* [1, 2, 3]: BUILD_LIST 0, LOAD_CONST (1, 2, 3), LIST_EXTEND 1 */
            POP(c);
            int list = fe->stack[fe->sp - pi->arg];
            Instr *l = list >= 0 ? fe->fn->instrs[list] : NULL, *e = c >= 0 ? fe->fn->instrs[c] : NULL;
            if (l && e && (l->op == IR_SPREAD || (l->op == IR_TUPLE && l->imm == 1 && e->op != IR_TUPLE))) {
                if (spread(fe, b, list, c, true, pi->arg)) return -1;   /* [x, *t]: typing knows t's length */
                break;
            }
            if (!l || l->op != IR_TUPLE || l->imm != 1 || !e || e->op != IR_TUPLE)
                return fe_error(fe, DIAG_UNSUPPORTED, "list is not supported");
            EMIT(in, IR_TUPLE, l->nargs + e->nargs);
            in->imm = 1;
            if (l->nargs) memcpy(in->args, l->args, sizeof(int) * (size_t)l->nargs);   /* [] has no args */
            if (e->nargs) memcpy(in->args + l->nargs, e->args, sizeof(int) * (size_t)e->nargs);
            fe->stack[fe->sp - pi->arg] = in->id;
            break;
        }
        case PY_LIST_APPEND:   /* a comprehension: v = pop, stack[-arg].append(v) */
            POP(c);
            if (pi->arg < 1 || pi->arg > fe->sp) return fe_error(fe, DIAG_INTERNAL, "bad LIST_APPEND");
            if (fe->fn->instrs[fe->stack[fe->sp - pi->arg]]->op == IR_SPREAD) {   /* [*t, x]: a display's next item */
                if (spread(fe, b, fe->stack[fe->sp - pi->arg], c, false, pi->arg)) return -1;
                break;
            }
            if (display_item(fe, b, pi->arg, c)) return -1;
            break;
        case PY_LIST_TO_TUPLE: {   /* (x, *t), and f(x, *t)'s arguments */
            POP(a);
            Instr *l = fe->fn->instrs[a];
            if (l->op != IR_SPREAD && !(l->op == IR_TUPLE && l->imm == 1))
                return fe_error(fe, DIAG_UNSUPPORTED, "a tuple built from a list is not supported (a tuple's length is part "
                                "of its type): tuple(list), or a display of more than 30 items with a conditional "
                                "expression among them");
            EMIT(in, l->op, l->nargs);
            if (l->nargs) memcpy(in->args, l->args, sizeof(int) * (size_t)l->nargs);
            in->imm2 = l->imm2;   /* (a tuple now: imm 0) */
            PUSH(in->id);
            break;
        }
        case PY_CALL_FUNCTION_EX: {   /* f(*t): the call with t's items, once typing knows how many */
            int star, f, kw = -1;
            if (pi->arg & 1) POP(kw);
            POP(star);
            POP(f);
            POP(a);   /* the NULL under the callee */
            Instr *t = fe->fn->instrs[star], *d = kw >= 0 ? fe->fn->instrs[kw] : NULL;
            int nkw = d ? d->nargs / 2 : 0;   /* f(*t, k=v): the keywords, a dict of constant names */
            for (int k = 0; d && k < d->nargs; k += 2) {
                Instr *key = fe->fn->instrs[d->args[k]];
                if (d->op != IR_DICT || key->op != IR_CONST || key->c.kind != K_STR)
                    return fe_error(fe, DIAG_UNSUPPORTED, "calls with **kwargs are not supported");
            }
            bool literal = t->op == IR_TUPLE && t->imm == 0;
            int npos = literal ? t->nargs : 1;
            EMIT(in, IR_CALL, 1 + npos + nkw);
            in->args[0] = f;
            if (literal) {
                if (t->nargs) memcpy(in->args + 1, t->args, sizeof(int) * (size_t)t->nargs);
            } else {
                in->args[1] = star;
                in->imm2 = 1;   /* typeinfer/infer.c spreads the tuple */
            }
            if (nkw && !(in->kwnames = ctx_alloc(fe->ctx, sizeof(char *) * (size_t)nkw))) return -1;
            for (int k = 0; k < nkw; k++) {
                in->kwnames[k] = fe->fn->instrs[d->args[2 * k]]->c.s;
                in->args[1 + npos + k] = d->args[2 * k + 1];
            }
            in->nkw = nkw;
            if (d) {   /* the display only carried the keywords: nothing (a dict of 16 or more made for nothing,
                        * and refused when their types differ) */
                d->op = IR_TUPLE;
                d->nargs = d->imm = d->imm2 = 0;
            }
            PUSH(in->id);
            break;
        }
        case PY_BUILD_MAP: {   /* {k0: v0, ...}: 2*arg entries, keys and values alternating */
            if (2 * pi->arg > fe->sp) return fe_error(fe, DIAG_INTERNAL, "bad BUILD_MAP");
            EMIT(in, IR_DICT, 2 * pi->arg);
            for (int k = 2 * pi->arg - 1; k >= 0; k--) POP(in->args[k]);
            PUSH(in->id);
            break;
        }
        case PY_BUILD_CONST_KEY_MAP: {   /* values, then a constant tuple of the keys */
            POP(c);
            Instr *keys = c >= 0 ? fe->fn->instrs[c] : NULL;
            if (!keys || keys->op != IR_TUPLE || keys->nargs != pi->arg || pi->arg > fe->sp)
                return fe_error(fe, DIAG_INTERNAL, "bad BUILD_CONST_KEY_MAP");
            EMIT(in, IR_DICT, 2 * pi->arg);
            for (int k = pi->arg - 1; k >= 0; k--) {
                POP(in->args[2 * k + 1]);
                in->args[2 * k] = keys->args[k];
            }
            PUSH(in->id);
            break;
        }
        case PY_BUILD_SET:
            if (pi->arg > fe->sp) return fe_error(fe, DIAG_INTERNAL, "bad BUILD_SET");
            EMIT(in, IR_SET, pi->arg);
            for (int k = pi->arg - 1; k >= 0; k--) POP(in->args[k]);
            PUSH(in->id);
            break;
        case PY_SET_UPDATE: {   /* {1, 2, 3}: BUILD_SET 0, LOAD_CONST frozenset, SET_UPDATE 1 */
            POP(c);
            int set = fe->stack[fe->sp - pi->arg];
            Instr *s = set >= 0 ? fe->fn->instrs[set] : NULL, *e = c >= 0 ? fe->fn->instrs[c] : NULL;
            if (!s || s->op != IR_SET || !e || e->op != IR_SET)
                return fe_error(fe, DIAG_UNSUPPORTED, "{*iterable} is not supported");
            EMIT(in, IR_SET, s->nargs + e->nargs);
            in->imm = 1;   /* a merge: lowering makes room for all first, as CPython's set_merge */
            if (s->nargs) memcpy(in->args, s->args, sizeof(int) * (size_t)s->nargs);
            if (e->nargs) memcpy(in->args + s->nargs, e->args, sizeof(int) * (size_t)e->nargs);
            fe->stack[fe->sp - pi->arg] = in->id;
            break;
        }
        case PY_SET_ADD:   /* a comprehension: v = pop, stack[-arg].add(v) */
            POP(c);
            if (pi->arg < 1 || pi->arg > fe->sp) return fe_error(fe, DIAG_INTERNAL, "bad SET_ADD");
            EMIT(in, IR_SETADD, 2);
            in->args[0] = fe->stack[fe->sp - pi->arg];
            in->args[1] = c;
            break;
        case PY_DICT_UPDATE: {   /* {k0: v0, ..., k16: 7.0}: a display of more than 16 items, merged in parts */
            POP(c);
            if (pi->arg < 1 || pi->arg > fe->sp) return fe_error(fe, DIAG_INTERNAL, "bad DICT_UPDATE");
            Instr *d = fe->fn->instrs[fe->stack[fe->sp - pi->arg]], *e = c >= 0 ? fe->fn->instrs[c] : NULL;
            if (d->op != IR_DICT || d->block != b || !e || e->op != IR_DICT)
                return fe_error(fe, DIAG_UNSUPPORTED, "dict.update through {**mapping} is not supported");
            if (grow_display(fe, b, d, e->args, e->nargs)) return -1;
            break;
        }
        case PY_MAP_ADD: {   /* a comprehension: value = pop, key = pop, stack[-arg][key] = value */
            int key, value;
            POP(value);
            POP(key);
            if (pi->arg < 1 || pi->arg > fe->sp) return fe_error(fe, DIAG_INTERNAL, "bad MAP_ADD");
            int target = fe->stack[fe->sp - pi->arg];
            Instr *d = target >= 0 ? fe->fn->instrs[target] : NULL;
            if (d && d->op == IR_DICT && d->block == b) {   /* f(k0=v0, ..., k15=v15): BUILD_MAP 0, MAP_ADD each: one display */
                int kv[2] = {key, value};
                if (grow_display(fe, b, d, kv, 2)) return -1;
                break;
            }
            EMIT(in, IR_MAPADD, 3);
            in->args[0] = target;
            in->args[1] = key;
            in->args[2] = value;
            break;
        }
        case PY_DELETE_SUBSCR:   /* del TOS1[TOS] */
            EMIT(in, IR_DELITEM, 2);
            POP(in->args[1]);
            POP(in->args[0]);
            break;
        case PY_CONTAINS_OP:   /* TOS1 in TOS */
            POP(c);
            POP(a);
            EMIT(in, IR_CONTAINS, 2);
            in->args[0] = c;
            in->args[1] = a;
            in->imm = pi->arg;
            PUSH(in->id);
            break;
        case PY_STORE_SUBSCR:   /* TOS1[TOS] = TOS2 */
            EMIT(in, IR_SETITEM, 3);
            POP(in->args[1]);
            POP(in->args[0]);
            POP(in->args[2]);
            break;
        case PY_BUILD_SLICE: {
            if (pi->arg != 2 && pi->arg != 3) return fe_error(fe, DIAG_INTERNAL, "bad BUILD_SLICE");
            int parts[3];
            if (pi->arg == 2 && emit_const(fe, b, Py_None, &parts[2])) return -1;
            for (int k = pi->arg - 1; k >= 0; k--) POP(parts[k]);
            EMIT(in, IR_SLICE, 3);
            memcpy(in->args, parts, sizeof parts);
            PUSH(in->id);
            break;
        }
        case PY_UNPACK_SEQUENCE:
            POP(a);
            for (int k = pi->arg - 1; k >= 0; k--) {
                EMIT(in, IR_UNPACK, 1);
                in->args[0] = a;
                in->imm = k;
                in->imm2 = pi->arg;
                PUSH(in->id);
            }
            break;
        case PY_KW_NAMES: {
            PyObject *t = PyTuple_GET_ITEM(fe->consts, pi->arg);
            fe->nkw = (int)PyTuple_GET_SIZE(t);
            if (fe->nkw > 64) return fe_error(fe, DIAG_UNSUPPORTED, "too many keyword arguments");
            for (int k = 0; k < fe->nkw; k++)
                if (!(fe->kwnames[k] = ctx_strdup(fe->ctx, name_at(fe, t, k)))) return -1;
            break;
        }
        case PY_CALL: {
            int n = pi->arg, args[256];
            if (n > 255 || n + 2 > fe->sp) return fe_error(fe, DIAG_INTERNAL, "bad CALL");
            for (int k = n - 1; k >= 0; k--) POP(args[k]);
            int y, x;
            POP(y);
            POP(x);
            int self = x != NULL_SLOT;
            EMIT(in, IR_CALL, n + 1 + self);
            in->args[0] = self ? x : y;
            if (self) in->args[1] = y;
            memcpy(in->args + 1 + self, args, sizeof(int) * (size_t)n);
            in->nkw = fe->nkw;
            if (fe->nkw) {
                in->kwnames = ctx_alloc(fe->ctx, sizeof(char *) * (size_t)fe->nkw);
                if (!in->kwnames) return -1;
                memcpy(in->kwnames, fe->kwnames, sizeof(char *) * (size_t)fe->nkw);
            }
            fe->nkw = 0;
            for (int k = 0; k < in->nargs; k++)
                if (in->args[k] == NULL_SLOT) return fe_error(fe, DIAG_INTERNAL, "NULL argument");
            PUSH(in->id);
            break;
        }
        case PY_MAKE_FUNCTION: {
            int codev, closure = -1, defaults = -1;
            POP(codev);
            if (pi->arg & 0x08) POP(closure);
            if (pi->arg & 0x04) POP(a);   /* annotations: ignored */
            if (pi->arg & 0x02)
                return fe_error(fe, DIAG_UNSUPPORTED,
                                "keyword-only defaults of inner functions are not supported");
            if (pi->arg & 0x01) {
                POP(defaults);
                if (fe->fn->instrs[defaults]->op != IR_TUPLE || !fe->fn->instrs[defaults]->obj)
                    return fe_error(fe, DIAG_UNSUPPORTED,
                                    "default values of inner functions must be constants");
            }
            Instr *cl = closure >= 0 ? fe->fn->instrs[closure] : NULL;
            int ncells = cl ? cl->nargs : 0;
            EMIT(in, IR_MAKEFUNC, ncells);
            for (int k = 0; k < ncells; k++) in->args[k] = cl->args[k];
            in->obj = fe->fn->instrs[codev]->obj;
            in->defaults = defaults >= 0 ? fe->fn->instrs[defaults]->obj : NULL;
            PUSH(in->id);
            break;
        }
        case PY_GET_ITER:
            POP(a);
            EMIT(in, IR_GETITER, 1);
            in->args[0] = a;
            PUSH(in->id);
            break;
        case PY_FOR_ITER: {
            Block *body = block_at(fe, pi->next), *exit = block_at(fe, jump_target(pi));
            int it = fe->stack[fe->sp - 1];
            if (edge(fe, b, body, fe->sp) || edge(fe, b, exit, fe->sp - 1)) return -1;
            EMIT(in, IR_FORITER, 1);
            in->args[0] = it;
            in->target[0] = body;
            in->target[1] = exit;
            body->push_itervalue = true;
            return 0;
        }
        case PY_JUMP_FORWARD: case PY_JUMP_BACKWARD: case PY_JUMP_BACKWARD_NO_INTERRUPT:
            return emit_jump(fe, b, block_at(fe, jump_target(pi)));
        case PY_POP_JUMP_FORWARD_IF_FALSE: case PY_POP_JUMP_BACKWARD_IF_FALSE:
        case PY_POP_JUMP_FORWARD_IF_TRUE: case PY_POP_JUMP_BACKWARD_IF_TRUE:
        case PY_POP_JUMP_FORWARD_IF_NONE: case PY_POP_JUMP_BACKWARD_IF_NONE:
        case PY_POP_JUMP_FORWARD_IF_NOT_NONE: case PY_POP_JUMP_BACKWARD_IF_NOT_NONE: {
            POP(a);
            bool on_true = pi->op == PY_POP_JUMP_FORWARD_IF_TRUE || pi->op == PY_POP_JUMP_BACKWARD_IF_TRUE;
            bool on_none = pi->op == PY_POP_JUMP_FORWARD_IF_NONE || pi->op == PY_POP_JUMP_BACKWARD_IF_NONE;
            bool on_not_none = pi->op == PY_POP_JUMP_FORWARD_IF_NOT_NONE ||
                               pi->op == PY_POP_JUMP_BACKWARD_IF_NOT_NONE;
            if (on_none || on_not_none) {
                Instr *none;
                EMIT(none, IR_CONST, 0);
                none->c.kind = K_NONE;
                EMIT(in, IR_IS, 2);
                in->args[0] = a;
                in->args[1] = none->id;
                on_true = true;
                in->imm = on_not_none;
            } else {
                EMIT(in, IR_TRUTH, 1);
                in->args[0] = a;
            }
            Block *target = block_at(fe, jump_target(pi)), *fall = block_at(fe, pi->next);
            return on_true ? emit_branch(fe, b, in->id, target, fall, fe->sp, fe->sp)
                           : emit_branch(fe, b, in->id, fall, target, fe->sp, fe->sp);
        }
        case PY_JUMP_IF_FALSE_OR_POP: case PY_JUMP_IF_TRUE_OR_POP: {
            a = fe->stack[fe->sp - 1];
            EMIT(in, IR_TRUTH, 1);
            in->args[0] = a;
            Block *target = block_at(fe, jump_target(pi)), *fall = block_at(fe, pi->next);
            return pi->op == PY_JUMP_IF_TRUE_OR_POP
                       ? emit_branch(fe, b, in->id, target, fall, fe->sp, fe->sp - 1)
                       : emit_branch(fe, b, in->id, fall, target, fe->sp - 1, fe->sp);
        }
        case PY_RETURN_VALUE:
            POP(a);
            EMIT(in, IR_RETURN, 1);
            in->args[0] = a;
            return 0;
        case PY_RETURN_GENERATOR:   /* a generator (function or expression) starts when first resumed */
            if (!fe->fn->generator) return unsupported_op(fe, pi->op);
            if (emit_const(fe, b, Py_None, &v)) return -1;
            PUSH(v);   /* what RETURN_GENERATOR leaves for the POP_TOP after it */
            break;
        case PY_YIELD_VALUE:
            if (!fe->fn->generator) return unsupported_op(fe, pi->op);
            POP(c);
            EMIT(in, IR_YIELD, 1);
            in->args[0] = c;
            if (emit_const(fe, b, Py_None, &v)) return -1;
            PUSH(v);   /* what gen.send() would give: ember's generators are only iterated */
            break;
        case PY_RAISE_VARARGS:
            if (pi->arg == 0) {   /* bare raise: the exception being handled */
                if (fe->excvar >= 0) {
                    EMIT(in, IR_LOADVAR, 0);
                    in->imm = fe->excvar;
                } else {   /* none: the empty record, which re-raises as RuntimeError */
                    EMIT(in, IR_EXCFETCH, 0);
                }
                a = in->id;
                EMIT(in, IR_RERAISE, 1);
                in->args[0] = a;
                return 0;
            }
            EMIT(in, IR_RAISE, pi->arg);
            for (int k = pi->arg - 1; k >= 0; k--) POP(in->args[k]);
            return 0;
        case PY_RERAISE:   /* the exception on top; with an argument, lasti under it */
            POP(a);
            if (pi->arg) POP(c);
            EMIT(in, IR_RERAISE, 1);
            in->args[0] = a;
            return 0;
        case PY_PUSH_EXC_INFO:   /* exc -> (the exception handled before, exc); exc is handled now */
            if (fe->excvar < 0) return fe_error(fe, DIAG_INTERNAL, "PUSH_EXC_INFO without a handler");
            POP(a);
            EMIT(in, IR_LOADVAR, 0);
            in->imm = fe->excvar;
            PUSH(in->id);
            EMIT(in, IR_STOREVAR, 1);
            in->imm = fe->excvar;
            in->args[0] = a;
            PUSH(a);
            break;
        case PY_POP_EXCEPT:   /* the exception handled before is handled again */
            if (fe->excvar < 0) return fe_error(fe, DIAG_INTERNAL, "POP_EXCEPT without a handler");
            POP(a);
            EMIT(in, IR_STOREVAR, 1);
            in->imm = fe->excvar;
            in->args[0] = a;
            break;
        case PY_CHECK_EXC_MATCH:   /* exc, cls -> exc, isinstance(exc, cls) */
            POP(c);
            EMIT(in, IR_EXCMATCH, 2);
            in->args[0] = fe->stack[fe->sp - 1];
            in->args[1] = c;
            PUSH(in->id);
            break;
        case PY_DELETE_FAST:
            EMIT(in, IR_DELVAR, 0);
            in->imm = pi->arg;
            break;
        case PY_BEFORE_WITH: {   /* with objmode(...): the body runs in the interpreter */
            int r = objmode_block(fe, b, &i);
            if (r < 0) return -1;
            if (r == 1) return 0;   /* the body always raises: the block ends here */
            break;
        }
        case PY_CHECK_EG_MATCH: case PY_PREP_RERAISE_STAR:
            return fe_error(fe, DIAG_UNSUPPORTED, "except* (exception groups) is not supported");
        default:
            return unsupported_op(fe, pi->op);
        }
    }
    return fe_error(fe, DIAG_INTERNAL, "block at offset %d runs off the end of the code", b->offset);
}

static Function *build(Ctx *ctx, PyObject *code_obj, PyObject *globals, PyObject *builtins, PyObject *closure,
                       const char *const *extra, int nextra, Spill *spills, int *nspills);

Function *fe_build(Ctx *ctx, PyObject *code_obj, PyObject *globals, PyObject *builtins, PyObject *closure) {
    return fe_build_inner(ctx, code_obj, globals, builtins, closure, NULL, 0);
}

Function *fe_build_inner(Ctx *ctx, PyObject *code_obj, PyObject *globals, PyObject *builtins, PyObject *closure,
                         const char *const *extra, int nextra) {
    Spill spills[FE_MAX_SPILLED];
    int n = 0, before;
    Function *fn;
    do {   /* each round spills one more global that edges disagree on (rare: a few rounds at most) */
        before = n;
        fn = build(ctx, code_obj, globals, builtins, closure, extra, nextra, spills, &n);
    } while (!fn && n > before);
    return fn;
}

static Function *build(Ctx *ctx, PyObject *code_obj, PyObject *globals, PyObject *builtins, PyObject *closure,
                       const char *const *extra, int nextra, Spill *spills, int *nspills) {
    if (!PyCode_Check(code_obj)) {
        PyErr_SetString(PyExc_TypeError, "ember can only compile Python functions");
        return NULL;
    }
    PyCodeObject *co = (PyCodeObject *)code_obj;
    Function *fn = ir_new_function(ctx);
    if (!fn) return NULL;
    Fe fe_ = {.ctx = ctx, .fn = fn, .code = code_obj, .closure = closure, .excvar = -1, .spilled = spills,
              .nspilled = *nspills}, *fe = &fe_;
    fe->null_marker.op = IR_NOPS;
    fn->code = ctx_keep(ctx, code_obj);
    fn->globals = globals;
    fn->builtins = builtins;
    fn->name = ctx_strdup(ctx, PyUnicode_AsUTF8(co->co_qualname));
    fn->filename = ctx_strdup(ctx, PyUnicode_AsUTF8(co->co_filename));
    fn->firstline = co->co_firstlineno;
    fe->loc = (Loc){co->co_firstlineno, -1, -1};
    fe->consts = co->co_consts;
    fe->names = co->co_names;
    if (!fn->name || !fn->filename) return NULL;

    /* A generator function, or a generator expression (CPython's code: a loop over .0 with one
     * yield, an inner function its consumer calls): a coroutine (codegen/lower_gen.c). */
    if (co->co_flags & (CO_COROUTINE | CO_ASYNC_GENERATOR | CO_ITERABLE_COROUTINE)) {
        fe_error(fe, DIAG_UNSUPPORTED, "coroutines and async generators are not supported");
        return NULL;
    }
    fn->generator = co->co_flags & CO_GENERATOR;
    if (co->co_flags & CO_VARKEYWORDS) {
        fe_error(fe, DIAG_UNSUPPORTED, "a **kwargs parameter is not supported");
        return NULL;
    }

    /* Variables: CPython's localsplus slots, in order. */
    int nlocalsplus = (int)PyTuple_GET_SIZE(co->co_localsplusnames);
    for (int i = 0; i < nlocalsplus; i++) {
        const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(co->co_localsplusnames, i));
        if (!name || ir_new_var(fn, name) < 0) return NULL;
    }
    for (int i = 0; !closure && i < nextra; i++)   /* more free variables, after CPython's (fe_build_inner) */
        if (ir_new_var(fn, extra[i]) < 0) return NULL;
    fe->first_free = nlocalsplus - co->co_nfreevars;
    fn->nfree = closure ? 0 : co->co_nfreevars + nextra;   /* an inner function's cells come as arguments */
    fn->nparams = fe_nparams(code_obj);

    if (decode(fe) || find_blocks(fe)) return NULL;

    if (read_exception_table(fe)) return NULL;

    fe->stackcap = (int)co->co_stacksize + 8;
    fe->stack = ctx_alloc(ctx, sizeof(int) * (size_t)fe->stackcap);
    fe->work = ctx_alloc(ctx, sizeof(Block *) * (size_t)(fn->nblocks + 1));
    if (!fe->stack || !fe->work) return NULL;

    /* The entry block stores the parameters (then free variables) into their variables. */
    Block *entry = fn->blocks[0];   /* the block at unit 0 */
    Block *start = ir_new_block(fn, 0);
    if (!start) return NULL;
    /* make the new block the entry: swap positions 0 and last */
    fn->blocks[fn->nblocks - 1] = entry;
    fn->blocks[0] = start;
    entry->id = fn->nblocks - 1;
    start->id = 0;
    fe->loc = (Loc){co->co_firstlineno, -1, -1};
    int nparams = fn->nparams;
    for (int i = 0; i < nparams + fn->nfree; i++) {
        Instr *arg = emit(fe, start, IR_ARG, 0), *st;
        if (!arg) return NULL;
        arg->imm = i;
        if (!(st = emit(fe, start, IR_STOREVAR, 1))) return NULL;
        st->imm = i < nparams ? i : nlocalsplus - co->co_nfreevars + (i - nparams);   /* the extra ones last */
        st->args[0] = arg->id;
    }
    for (int j = 0; closure && j < co->co_nfreevars; j++) {   /* a free variable of the Python closure an inner
                                                                  * function captures: its value, frozen (LOAD_DEREF's) */
        bool captured = false;
        for (int k = 0; k < fe->nins && !captured; k++)
            captured = fe->ins[k].op == PY_LOAD_CLOSURE && fe->ins[k].arg == fe->first_free + j;
        PyObject *value = captured ? PyCell_GET(PyTuple_GET_ITEM(closure, j)) : NULL;
        if (!value) continue;
        Instr *g = emit(fe, start, IR_GLOBAL, 0), *st;
        if (!g || !ctx_keep(ctx, value)) return NULL;
        g->obj = value;
        g->str = fn->varnames[fe->first_free + j];
        if (!(st = emit(fe, start, IR_STOREVAR, 1))) return NULL;
        st->imm = fe->first_free + j;
        st->args[0] = g->id;
    }
    fe->sp = 0;
    if (emit_jump(fe, start, entry)) return NULL;
    start->planned = start->done = true;

    while (fe->nwork > 0) {
        Block *b = fe->work[--fe->nwork];
        if (b->done) continue;
        b->done = true;
        if (run_block(fe, b)) {
            if (fe->restart) *nspills = fe->nspilled;
            return NULL;
        }
        if (fe->nkw) { fe_error(fe, DIAG_INTERNAL, "KW_NAMES without CALL"); return NULL; }
    }

    /* Drop blocks nothing reaches (code after a return, say); renumber the rest. */
    int n = 0;
    for (int i = 0; i < fn->nblocks; i++)
        if (fn->blocks[i]->done) {
            fn->blocks[n] = fn->blocks[i];
            fn->blocks[n]->id = n;
            n++;
        }
    fn->nblocks = n;
    if (fe_version_vars(fn)) return NULL;
    return fn;
}
