/* infer.c: type inference by propagation to a fixed point.
 *
 * Requires: a Function from the frontend and the types of its parameters (then free variables).
 * Produces: a TypeInfo with a type per value and variable, the return type and a CallInfo per
 * call (see ti.h).
 *
 * Algorithm: visit every instruction in block order, computing its type from its arguments';
 * an instruction whose arguments are not typed yet is skipped this round. A STOREVAR unifies the
 * variable's type with the stored value's (int64 with float64 gives float64, as in Numba), a
 * RETURN the return type with the returned value's. Types only widen, so repeating the visit
 * until nothing changes terminates. A self-recursive call takes the return type found so far,
 * so recursion types as long as some return path does not recurse; functions that call each
 * other are typed in the same rounds (cycle.c).
 * Errors are located diagnostics, reported as soon as all of an instruction's argument types are
 * known and no rule accepts them.
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

static const char *var_label(TypeInfo *ti, int var) {
    const char *name = ti->fn->varnames[var];
    return name[0] == '$' ? "an intermediate value" : name;
}

/* Returns of None and of T make the result OptionalType(T) (boxed as None or the value). */
static const Type *unify_optional(const Type *a, const Type *b) {
    const Type *x = a->kind == TY_OPTIONAL ? a->elems[1] : a, *y = b->kind == TY_OPTIONAL ? b->elems[1] : b;
    if (x->kind == TY_NONE) return y->kind == TY_NONE ? ty_none : ty_optional(y);
    if (y->kind == TY_NONE) return ty_optional(x);
    const Type *u = ty_unify(x, y);
    return u ? ty_optional(u) : NULL;
}

/* ty_unify, where None meets a value: OptionalType, in a tuple's items too (return True, None
 * and return False, x: Tuple(bool, OptionalType(array)), as in Numba). */
static const Type *unify_none(const Type *a, const Type *b) {
    const Type *u = ty_unify(a, b);
    if (u) return u;
    if (a->kind == TY_NONE || b->kind == TY_NONE || a->kind == TY_OPTIONAL || b->kind == TY_OPTIONAL)
        return unify_optional(a, b);
    if (a->kind != TY_TUPLE || b->kind != TY_TUPLE || a->n != b->n || a->n > 64 || a->obj || b->obj)   /* (not namedtuples) */
        return NULL;
    const Type *elems[64];
    for (int i = 0; i < a->n; i++)
        if (!(elems[i] = unify_none(a->elems[i], b->elems[i]))) return NULL;
    return ty_tuple(a->n, elems);
}

const Type *ti_const_type(const Const *c) {
    switch (c->kind) {
    case K_NONE: return ty_none;
    case K_BOOL: return ty_bool;
    case K_INT: return ty_int64;
    case K_UINT: return ty_uint64;
    case K_FLOAT: return ty_float64;
    case K_COMPLEX: return ty_complex128;
    case K_STR: return ty_str;
    case K_ELLIPSIS: return ty_ellipsis;
    }
    return NULL;
}

static const char *binop_verb(int op) {
    static const char *const verbs[IRB_NOPS] = {
        "add", "bitwise-and", "floor-divide", "left-shift", "matrix-multiply", "multiply",
        "take the modulo of", "bitwise-or", "raise to a power", "right-shift", "subtract",
        "divide", "bitwise-xor"};
    return verbs[op];
}

static bool unsigned_variable(TypeInfo *ti, int var);

/* Value v is a NumPy uint8, uint16 or uint32 scalar (an element of such an array, a variable
 * that holds only such and what unsigned arithmetic on it makes): held as an int64, but unsigned
 * in Numba's promotion. */
bool ti_narrow_unsigned(TypeInfo *ti, int v) {
    int d = ti_numpy_scalar_dtype(ti, v);
    if (d == DT_UINT8 || d == DT_UINT16 || d == DT_UINT32) return true;
    Instr *in = ti->fn->instrs[v];
    return in && in->op == IR_LOADVAR && ti->vtypes[v] == ty_int64 && unsigned_variable(ti, in->imm);
}

/* Store value s to variable var is unsigned to Numba, taking var's own loads as unsigned: an
 * unsigned NumPy scalar, a uint64, or arithmetic on these and var (x = np.uint32(1), then
 * x = x * np.uint32(k) in a loop: Numba types x uint64, where the product of two unsigned
 * scalars is one). */
static bool unsigned_store(TypeInfo *ti, int var, int s, int depth) {
    Instr *in = ti->fn->instrs[s];
    if (!in || depth > 8) return false;
    if (in->op == IR_LOADVAR && in->imm == var) return true;
    if (ti->vtypes[s] == ty_uint64 || !ti->vtypes[s]) return true;   /* (not typed yet: the next pass asks again) */
    if (ti->vtypes[s] != ty_int64) return false;
    int d = ti_numpy_scalar_dtype(ti, s);
    if (d == DT_UINT8 || d == DT_UINT16 || d == DT_UINT32) return true;
    if (in->op == IR_COPY) return unsigned_store(ti, var, in->args[0], depth + 1);
    if (in->op != IR_BINOP || in->imm == IRB_TRUEDIV || in->imm == IRB_POW || in->imm == IRB_MATMUL) return false;
    int64_t k;
    bool shift = in->imm == IRB_LSHIFT || in->imm == IRB_RSHIFT;
    return unsigned_store(ti, var, in->args[0], depth + 1) &&
           (unsigned_store(ti, var, in->args[1], depth + 1) || (shift && ti_const_int(ti, in->args[1], &k)));
}

/* Every store to var is unsigned (unsigned_store), and one is a NumPy scalar or a uint64 (not
 * only var itself). */
static bool unsigned_variable(TypeInfo *ti, int var) {
    int seeds = 0;
    for (int u = 0; u < ti->fn->ninstrs; u++) {
        Instr *st = ti->fn->instrs[u];
        if (!st || st->op != IR_STOREVAR || st->imm != var) continue;
        Instr *x = ti->fn->instrs[st->args[0]];
        if (!unsigned_store(ti, var, st->args[0], 0)) return false;
        seeds += !(x->op == IR_LOADVAR && x->imm == var);
    }
    return seeds > 0;
}

/* Value v is a uint64 made of unsigned NumPy scalars only (a[i] - b[i] of uint8 elements, a
 * variable every store to which is one): to Numba a uint64 with a constant int is an int64,
 * where a uint64 that is one in its own right keeps the constant weak (x + 1 stays uint64). */
static bool made_unsigned(TypeInfo *ti, int v, int depth) {
    Instr *in = ti->fn->instrs[v];
    if (!in || ti->vtypes[v] != ty_uint64 || depth > 8) return false;
    switch (in->op) {
    case IR_COPY: return made_unsigned(ti, in->args[0], depth + 1);
    case IR_BINOP: {
        int64_t k;
        bool shift = in->imm == IRB_LSHIFT || in->imm == IRB_RSHIFT;
        for (int i = 0; i < 2; i++)
            if (!ti_narrow_unsigned(ti, in->args[i]) && !made_unsigned(ti, in->args[i], depth + 1) &&
                !(shift && i == 1 && ti_const_int(ti, in->args[1], &k)))
                return false;
        return true;
    }
    case IR_LOADVAR: {
        int stores = 0;
        for (int u = 0; u < ti->fn->ninstrs; u++) {
            Instr *st = ti->fn->instrs[u];
            if (!st || st->op != IR_STOREVAR || st->imm != in->imm) continue;
            if (!made_unsigned(ti, st->args[0], depth + 1) && !ti_narrow_unsigned(ti, st->args[0])) return false;
            stores++;
        }
        return stores > 0;
    }
    default: return false;
    }
}

static const Type *type_binop(TypeInfo *ti, Instr *in, const Type *a, const Type *b, bool *changed) {
    int op = in->imm;
    if (a->kind == TY_LIST || b->kind == TY_LIST) return ti_list_binop(ti, in, a, b, changed);
    if (a->kind == TY_SET || b->kind == TY_SET || (a->kind == TY_DICT && a->attr)) return ti_set_binop(ti, in, a, b, changed);
    if (a->kind == TY_ARRAY || b->kind == TY_ARRAY) {
        if (op == IRB_MATMUL && in->imm2) return UNSUP(in, "in-place @= is not supported; write a = a @ b"), NULL;
        const Type *t = ti_array_binop(ti, in, op, a, b);
        if (t && in->imm2 && a->kind == TY_ARRAY) {   /* a op= b writes into a */
            if (a->readonly) return ERR(in, "cannot assign into a read-only array (%s)", a->name), NULL;
            if (t->ndim > a->ndim) return ERR(in, "cannot broadcast %s into %s in place", b->name, a->name), NULL;
            static const char *const ufunc[IRB_NOPS] = {
                "add", "bitwise_and", "floor_divide", "left_shift", "matmul", "multiply", "remainder",
                "bitwise_or", "power", "right_shift", "subtract", "divide", "bitwise_xor"};
            if (!ti_same_kind_cast(t->dtype, a->dtype))   /* as NumPy's ufunc writing out=a */
                return ERR(in, "Cannot cast ufunc '%s' output from %s to %s with casting rule 'same_kind'", ufunc[op],
                           ty_dtypes[t->dtype].name, ty_dtypes[a->dtype].name), NULL;
            return a;
        }
        return t;
    }
    if (ty_is_number(a) && ty_is_number(b)) {
        /* A constant int meeting a uint64 is weak, as a Python int in NumPy 2 (NEP 50): x + 1
         * stays uint64. A variable int64 with a uint64 computes in int64, as in numba (NumPy
         * would give float64; arrays do, see arrays.c), but an element of a uint8, uint16 or
         * uint32 array is unsigned to Numba: h ^= a[i] keeps a uint64 hash uint64, and two of them
         * make a uint64, as in Numba. */
        int64_t k;
        if (a == ty_int64 && b == ty_int64 && op != IRB_TRUEDIV && ti_narrow_unsigned(ti, in->args[0]) &&
            ti_narrow_unsigned(ti, in->args[1]))
            a = b = ty_uint64;   /* two unsigned NumPy scalars: uint64 in Numba, a[0] - a[1] wraps */
        if (a == ty_uint64 && b == ty_int64 && ((ti_const_int(ti, in->args[1], &k) && !made_unsigned(ti, in->args[0], 0)) ||
                                                ti_narrow_unsigned(ti, in->args[1])))
            b = ty_uint64;
        if (b == ty_uint64 && a == ty_int64 && ((ti_const_int(ti, in->args[0], &k) && !made_unsigned(ti, in->args[1], 0)) ||
                                                ti_narrow_unsigned(ti, in->args[0])))
            a = ty_uint64;
        const Type *u = ty_is_int(a) && ty_is_int(b) && a != b ? ty_int64 : ty_unify(a, b);
        int r = ty_rank(u);
        switch (op) {
        case IRB_AND: case IRB_OR: case IRB_XOR:
            if (r == 0) return ty_bool;
            if (r == 1) return u;
            break;
        case IRB_LSHIFT: case IRB_RSHIFT:   /* the count does not change the type; an unsigned scalar's is a uint64 */
            if (ty_rank(a) <= 1 && ty_rank(b) <= 1)
                return a == ty_uint64 || (a == ty_int64 && ti_narrow_unsigned(ti, in->args[0])) ? ty_uint64 : ty_int64;
            break;
        case IRB_TRUEDIV:
            return r == 3 ? ty_complex128 : ty_float64;
        case IRB_FLOORDIV: case IRB_MOD:
            if (r <= 2) return u == ty_bool ? ty_int64 : u;
            break;
        case IRB_ADD: case IRB_SUB: case IRB_MUL: case IRB_POW:
            return u == ty_bool ? ty_int64 : u;
        default:
            break;
        }
    }
    if (a == ty_str || b == ty_str) {
        if (op == IRB_MOD && a == ty_str) return ti_str_percent(ti, in, b);
        const Type *t = ti_str_binop(ti, in, a, b);
        if (t) return t;
    }
    if (op == IRB_ADD && a->kind == TY_TUPLE && b->kind == TY_TUPLE) {
        const Type *elems[128];
        if (a->n + b->n > 128) return ERR(in, "tuple too long"), NULL;
        memcpy(elems, a->elems, sizeof(Type *) * (size_t)a->n);
        memcpy(elems + a->n, b->elems, sizeof(Type *) * (size_t)b->n);
        return ty_tuple(a->n + b->n, elems);
    }
    const Type *count = a->kind == TY_TUPLE ? b : a;
    if (op == IRB_MUL && (a->kind == TY_TUPLE) != (b->kind == TY_TUPLE) && (ty_is_int(count) || count == ty_bool)) {
        const Type *t = a->kind == TY_TUPLE ? a : b;   /* (0,) * n: n a constant */
        int64_t times;
        if (!ti_const_int(ti, in->args[a->kind == TY_TUPLE ? 1 : 0], &times))
            return UNSUP(in, "a tuple times %s: the count must be a constant (a tuple's length is part of its type)", count->name), NULL;
        if (times < 0 || t->n == 0) times = 0;
        if (times > 128 / (t->n ? t->n : 1)) return ERR(in, "tuple too long"), NULL;
        const Type *elems[128];
        for (int i = 0; i < t->n * times; i++) elems[i] = t->elems[i % t->n];
        return ty_tuple((int)(t->n * times), elems);
    }
    ERR(in, "cannot %s %s and %s", binop_verb(op), a->name, b->name);
    return NULL;
}

/* Values `if x`, `not x` and bool(x) test directly: numbers, None, tuples, strings, containers
 * (not empty), and an OptionalType(instance) (not None; a class with __bool__ or __len__ is
 * tested through it before: jitclass.c). */
bool ti_has_truth(const Type *a) {
    return ty_is_number(a) || a->kind == TY_NONE || a->kind == TY_TUPLE || a == ty_str || a->kind == TY_ARRAY ||
           (ty_is_heap(a) && (a->kind != TY_CLASS || a->nullable));
}

static const Type *type_unop(TypeInfo *ti, Instr *in, const Type *a) {
    if (a->kind == TY_ARRAY) return ti_array_unop(ti, in, in->imm, a);
    if (in->imm == IRU_NOT) {
        if (ti_has_truth(a)) return ty_bool;
    } else if (ty_is_number(a)) {
        if (in->imm == IRU_INVERT && ty_rank(a) > 1) {
            ERR(in, "bad operand type for unary ~: %s", a->name);
            return NULL;
        }
        if (a == ty_bool)   /* ~b is a logical not, as in Numba and NumPy (CPython's ~True is -2); -b, +b ints */
            return in->imm == IRU_INVERT ? ty_bool : ty_int64;
        return a;
    }
    ERR(in, "bad operand type for unary %s: %s", ir_unop_text[in->imm], a->name);
    return NULL;
}

/* A dtype (a.dtype, np.float32) or a compiled function, or a tuple of values and those: returned,
 * a numpy.dtype or the function (its type says which: rt_box). */
static bool holds_known_objects(const Type *t) {
    if (t->kind == TY_DTYPE || t->kind == TY_RECDTYPE || t->kind == TY_DISPATCHER) return true;
    if (t->kind != TY_TUPLE) return false;
    bool any = false;
    for (int i = 0; i < t->n; i++) {
        if (holds_known_objects(t->elems[i])) any = true;
        else if (!ty_is_value(t->elems[i])) return false;
    }
    return any;
}

/* Whether every value returned is a uint64 or an unsigned NumPy scalar narrower than it, as
 * unsigned_variable asks of a variable's stores. */
static bool returns_unsigned(TypeInfo *ti) {
    for (int u = 0; u < ti->fn->ninstrs; u++) {
        Instr *r = ti->fn->instrs[u];
        if (!r || r->op != IR_RETURN) continue;
        const Type *t = ti->vtypes[r->args[0]];
        if (t && t != ty_uint64 && !(t == ty_int64 && ti_narrow_unsigned(ti, r->args[0]))) return false;
    }
    return true;
}

/* a.flat of an array of any strides (arrays.c): indexed by one int, its k-th element in C order */
static bool is_flat_of(const Type *a) { return a->kind == TY_METHOD && !strcmp(a->attr, "flat") && a->recv->kind == TY_ARRAY; }

static const Type *flat_index(TypeInfo *ti, Instr *in, const Type *a, const Type *idx) {
    if (!ty_is_int(idx) && idx != ty_bool)
        return UNSUP(in, "a.flat of a %s array is indexed by an int here (got %s); use a.ravel()", a->recv->name, idx->name), NULL;
    return ty_scalar_of(a->recv->dtype);
}

static const Type *type_getitem(TypeInfo *ti, Instr *in, const Type *a, const Type *idx) {
    if (a->kind == TY_ARRAY) return ti_array_index_type(ti, in, a, idx);
    if (is_flat_of(a)) return flat_index(ti, in, a, idx);
    if (a->kind == TY_RECARRAY || a->kind == TY_RECORD) return ti_fields_getitem(ti, in, a, idx);
    if (a == ty_str) return ti_str_getitem(ti, in, a, idx);
    if (a->kind == TY_LIST) return ti_list_getitem(ti, in, a, idx);
    if (a->kind == TY_DTYPE) return ti_array_typeref(ti, in, a, idx);
    if (ty_is_number(a) && idx->kind == TY_TUPLE && idx->n == 0) return a;   /* np.float64(x)[()] is x (zerod.c) */
    if (a->kind == TY_TUPLE && (ty_is_int(idx) || idx == ty_bool)) {
        int64_t k;
        if (ti_const_int(ti, in->args[1], &k)) {
            int64_t j = k < 0 ? k + a->n : k;
            if (j < 0 || j >= a->n) {
                ERR(in, "tuple index %lld out of range for %s", (long long)k, a->name);
                return NULL;
            }
            return a->elems[j];
        }
        if (ty_is_uniform_tuple(a)) return a->elems[0];
        if (ti_is_function_tuple(a)) return ti_join_functions(ti, in, a->elems, a->n);   /* a FunctionType (funcs.c) */
        ERR(in, "cannot index the heterogeneous %s with a run-time integer", a->name);
        return NULL;
    }
    if (a->kind == TY_TUPLE && idx->kind == TY_SLICE) {   /* t[1:], t[::-1]: a tuple of the items taken */
        int64_t first, step, count;
        if (!ti_tuple_slice(ti, in->args[1], a->n, &first, &step, &count)) {
            ERR(in, "a tuple is sliced with constant bounds (its length is part of its type)");
            return NULL;
        }
        const Type *elems[256];
        for (int64_t k = 0; k < count && k < 256; k++) elems[k] = a->elems[first + k * step];
        return ty_tuple((int)count, elems);
    }
    ERR(in, "cannot index %s with %s", a->name, idx->name);
    return NULL;
}

/* A call that takes a list as a list: a method of a value (l.append(x)), not a module's
 * function (np.array(x)), or print. */
static bool is_method_call(Function *fn, Instr *call) {
    Instr *callee = fn->instrs[call->args[0]];
    if (callee->op == IR_GLOBAL)
        return callee->obj && PyCFunction_Check(callee->obj) && !strcmp(((PyCFunctionObject *)callee->obj)->m_ml->ml_name, "print");
    return callee->op == IR_GETATTR && fn->instrs[callee->args[0]]->op != IR_GLOBAL;
}

/* dict(...) keeps its arguments' values: a list literal there is a list */
static bool is_dict_call(Function *fn, Instr *call) {   /* (or str(), repr(): a list shows as a list) */
    Instr *callee = fn->instrs[call->args[0]];
    return callee->op == IR_GLOBAL && (callee->obj == (PyObject *)&PyDict_Type || callee->obj == (PyObject *)&PyUnicode_Type ||
                                       callee->obj == PyDict_GetItemString(fn->builtins, "repr"));
}

/* A heapq function (heapq.heappush, or imported from heapq): it changes the list it is given
 * (heapq.heappushpop([1.0, 5.0], 3.0)), so a list literal there is a list. */
static bool is_heapq_call(Function *fn, Instr *call) {
    Instr *callee = fn->instrs[call->args[0]];
    PyObject *obj = callee->op == IR_GLOBAL ? callee->obj : NULL;
    if (callee->op == IR_GETATTR && fn->instrs[callee->args[0]]->op == IR_GLOBAL) {
        PyObject *mod = fn->instrs[callee->args[0]]->obj;
        const char *name = mod && PyModule_Check(mod) ? PyModule_GetName(mod) : NULL;
        PyErr_Clear();
        return name && !strcmp(name, "heapq");
    }
    PyObject *m = obj && PyCFunction_Check(obj) ? ((PyCFunctionObject *)obj)->m_module : NULL;
    bool heapq = m && PyUnicode_Check(m) && (!PyUnicode_CompareWithASCIIString(m, "_heapq") || !PyUnicode_CompareWithASCIIString(m, "heapq"));
    PyErr_Clear();
    return heapq;
}

/* heapq.heappush or heappushpop (a call is_heapq_call names): the item it pushes gives an empty
 * list its item type, as append does (numba leaves `h = []` untyped there). */
static bool heapq_push(Function *fn, Instr *call) {
    if (!is_heapq_call(fn, call)) return false;
    Instr *callee = fn->instrs[call->args[0]];
    const char *name = callee->op == IR_GETATTR ? callee->str
                     : callee->obj && PyCFunction_Check(callee->obj) ? ((PyCFunctionObject *)callee->obj)->m_ml->ml_name : NULL;
    return name && (!strcmp(name, "heappush") || !strcmp(name, "heappushpop"));
}

/* A list literal (typed as a tuple) may only be passed straight to a function: a list that a
 * variable holds could be mutated or returned, which a tuple cannot model. */
static bool list_is_call_argument(TypeInfo *ti, Instr *list) {
    Function *fn = ti->fn;
    int uses = 0;
    bool ok = true;
    for (int v = 0; v < fn->ninstrs; v++) {
        Instr *in = fn->instrs[v];
        if (!in) continue;
        for (int k = 0; k < in->nargs; k++)
            if (in->args[k] == list->id) {
                uses++;
                ok &= (in->op == IR_CALL && k > 0 && !is_method_call(fn, in) && !is_dict_call(fn, in) && !is_heapq_call(fn, in)) ||
                      (in->op == IR_TUPLE && list_is_call_argument(ti, in));
            }
    }
    return ok;
}

static bool is_index(const Type *t) { return ty_is_int(t) || t == ty_bool; }

static const Type *type_truth(TypeInfo *ti, Instr *in, const Type *a) {
    if (ti_has_truth(a)) return ty_bool;
    ERR(in, "cannot use %s as a condition", a->name);
    return NULL;
}

/* Tuples compare as in Python, element by element (any lengths), when every pair of elements
 * at the same position does: numbers (complex ones only for == and !=) or tuples again. */
static bool tuples_comparable(const Type *a, const Type *b, bool ordering) {
    for (int i = 0; i < a->n && i < b->n; i++) {
        const Type *x = a->elems[i], *y = b->elems[i];
        if (x->kind == TY_TUPLE && y->kind == TY_TUPLE) {
            if (!tuples_comparable(x, y, ordering)) return false;
        } else if (x == ty_str && y == ty_str) {
            continue;   /* (score, name) < (score2, name2): cg_cmp_any compares strings too */
        } else if (!ty_is_number(x) || !ty_is_number(y) || (ordering && (x == ty_complex128 || y == ty_complex128))) {
            return false;
        }
    }
    return true;
}

static const Type *type_cmp(TypeInfo *ti, Instr *in, const Type *a, const Type *b, bool *changed) {
    if ((in->imm == IRC_EQ || in->imm == IRC_NE) && (a->kind == TY_OPTIONAL || b->kind == TY_OPTIONAL)) {
        const Type *x = a->kind == TY_OPTIONAL ? a->elems[1] : a, *y = b->kind == TY_OPTIONAL ? b->elems[1] : b;
        if (x->kind == TY_NONE || y->kind == TY_NONE || (ty_is_number(x) && ty_is_number(y)) || (x == ty_str && y == ty_str))
            return ty_bool;   /* compared where both hold a value (codegen: cmp_optional) */
        ERR(in, "'%s' is not supported between %s and %s", ir_cmp_text[in->imm], a->name, b->name);
        return NULL;
    }
    if (a->kind == TY_ARRAY || b->kind == TY_ARRAY) return ti_array_cmp(ti, in, a, b);
    if (a->kind == TY_LIST || b->kind == TY_LIST) return ti_list_cmp(ti, in, a, b);
    if (a->kind == TY_SET || b->kind == TY_SET || a->kind == TY_DICT || b->kind == TY_DICT) return ti_set_cmp(ti, in, a, b, changed);
    if (ty_is_number(a) && ty_is_number(b)) {
        if ((a == ty_complex128 || b == ty_complex128) && in->imm != IRC_EQ && in->imm != IRC_NE) {
            ERR(in, "'%s' is not supported between %s and %s", ir_cmp_text[in->imm], a->name, b->name);
            return NULL;
        }
        return ty_bool;
    }
    if ((in->imm == IRC_EQ || in->imm == IRC_NE) && (a->kind == TY_NONE || b->kind == TY_NONE))
        return ty_bool;
    if ((in->imm == IRC_EQ || in->imm == IRC_NE) && a->kind == TY_DTYPE && b->kind == TY_DTYPE)
        return ty_bool;   /* a.dtype == np.float32: decided by the types */
    if (a == ty_str && b == ty_str) return ty_bool;
    if ((in->imm == IRC_EQ || in->imm == IRC_NE) && a->kind == TY_ENUM && b->kind == TY_ENUM)
        return ty_bool;   /* members: of one Enum equal by value, of two never */
    if (a->kind == TY_TUPLE && b->kind == TY_TUPLE && tuples_comparable(a, b, in->imm != IRC_EQ && in->imm != IRC_NE))
        return ty_bool;
    ERR(in, "'%s' is not supported between %s and %s", ir_cmp_text[in->imm], a->name, b->name);
    return NULL;
}

/* What `raise` takes: a class, an instance, or a caught exception. */
static bool is_exception(const Type *t) {
    return t->kind == TY_EXCCLASS || t->kind == TY_EXC || t->kind == TY_EXCVAL;
}

/* What `except` takes: an exception class, or a tuple of them (not nested: CPython refuses that). */
static bool is_class_or_classes(const Type *t) {
    if (t->kind == TY_EXCCLASS) return true;
    if (t->kind != TY_TUPLE) return false;
    for (int i = 0; i < t->n; i++)
        if (t->elems[i]->kind != TY_EXCCLASS) return false;
    return true;
}

/* `for x in literal_unroll(t)` over a tuple: left untyped here, unrolled after this round of
 * typing (unroll.c), then typed again. */
static bool unrolled_later(TypeInfo *ti, Instr *in, const Type *iterable) {
    Instr *src = ti->fn->instrs[in->args[0]];
    CallInfo *ci = ti->calls[src->id];
    if (iterable->kind == TY_TUPLE && !ti_is_iterable(iterable) && ti_is_function_tuple(iterable))
        return true;   /* `for f in (g, h)` of different functions: a copy of the body calls each directly */
    if (iterable->kind == TY_TUPLE && iterable->n == 0 && !iterable->obj)
        return true;   /* `for x in args` of an empty *args: no copy of the body, as it never runs */
    return iterable->kind == TY_TUPLE && src->op == IR_CALL && ci && ci->kind == CALL_BUILTIN &&
           ci->builtin == BI_LITERAL_UNROLL;
}

/* `for d in (-1, 0, 1)`: a tuple display of int constants in arithmetic progression, iterated
 * and used nowhere else, becomes the range it equals (range(-1, 2)), so that the loop is a
 * counted one to the facts, ranges and lowering of `%` sites (a 3x3 torus scan written with
 * tuples ran 4x slower than with range()). Whether it rewrote the GETITER's operand. */
static bool progression_as_range(TypeInfo *ti, Instr *in) {
    Function *fn = ti->fn;
    Instr *t = fn->instrs[in->args[0]];
    if (t->op != IR_TUPLE || t->imm != 0 || t->nargs < 1 || t->nargs > 64) return false;
    int64_t v[64];
    for (int k = 0; k < t->nargs; k++) {
        Instr *c = fn->instrs[t->args[k]];
        if (c->op != IR_CONST || c->c.kind != K_INT) return false;
        v[k] = c->c.i;
    }
    int64_t step = 1, d, stop;
    if (t->nargs > 1 && (__builtin_sub_overflow(v[1], v[0], &step) || step == 0)) return false;
    for (int k = 2; k < t->nargs; k++)
        if (__builtin_sub_overflow(v[k], v[k - 1], &d) || d != step) return false;
    if (__builtin_add_overflow(v[t->nargs - 1], step, &stop)) return false;
    for (int i = 0; i < fn->ninstrs; i++) {   /* the tuple's one use is this loop */
        Instr *x = fn->instrs[i];
        for (int k = 0; x && x != in && k < x->nargs; k++)
            if (x->args[k] == t->id) return false;
    }
    Block *b = in->block;
    int at = ir_position(in);
    Instr *g = ir_insert(fn, b, at++, IR_GLOBAL, 0, in->loc);
    Instr *c0 = g ? ir_insert(fn, b, at++, IR_CONST, 0, in->loc) : NULL;
    Instr *c1 = c0 ? ir_insert(fn, b, at++, IR_CONST, 0, in->loc) : NULL;
    Instr *c2 = c1 ? ir_insert(fn, b, at++, IR_CONST, 0, in->loc) : NULL;
    Instr *call = c2 ? ir_insert(fn, b, at, IR_CALL, 4, in->loc) : NULL;
    if (!call) return false;
    g->obj = (PyObject *)&PyRange_Type;
    g->str = "range";
    c0->c.kind = c1->c.kind = c2->c.kind = K_INT;
    c0->c.i = v[0];
    c1->c.i = stop;
    c2->c.i = step;
    call->args[0] = g->id;
    call->args[1] = c0->id;
    call->args[2] = c1->id;
    call->args[3] = c2->id;
    in->args[0] = call->id;
    return true;
}

/* Whether an instruction takes an OptionalType value as it is (stores, returns, `is None`, a
 * tuple's item, an argument of a compiled function);
 * any other use gets the value out first (UNWRAP, inserted by unwrap_optionals). */
static bool takes_optional(TypeInfo *ti, const Instr *in) {
    const Type *callee = in->op == IR_CALL && in->nargs > 0 ? ti->vtypes[in->args[0]] : NULL;
    if (callee && callee->kind == TY_DISPATCHER && ti->host && ti->host->is_lazy && ti->host->is_lazy(callee->obj))
        return true;   /* g(find(a, v)): g compiles for OptionalType(T), as in Numba (one with signatures: T) */
    if (in->op == IR_CMP && (in->imm == IRC_EQ || in->imm == IRC_NE))
        return true;   /* x == None, x == y of OptionalTypes: None equals None only (type_cmp) */
    return in->op == IR_STOREVAR || in->op == IR_RETURN || in->op == IR_IS || in->op == IR_UNWRAP ||
           ((in->op == IR_TUPLE || in->op == IR_SPREAD) && in->imm == 0);   /* a tuple, f(x, *t)'s arguments too, not a
                                                                               list display (a list holds T) */
}

static bool uses_optional(TypeInfo *ti, const Instr *in) {
    if (takes_optional(ti, in)) return false;
    for (int k = 0; k < in->nargs; k++) {
        const Type *t = ti->vtypes[in->args[k]];
        if (t && t->kind == TY_OPTIONAL) return true;
    }
    return false;
}

/* Per value id: whether an instruction reads it (in ti's arena). */
static bool *values_read(TypeInfo *ti) {
    Function *fn = ti->fn;
    bool *read = ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(fn->ninstrs + 1));
    if (!read) return NULL;
    for (int i = 0; i < fn->ninstrs; i++) {
        const Instr *in = fn->instrs[i];
        if (in) for (int k = 0; k < in->nargs; k++) if (in->args[k] >= 0) read[in->args[k]] = true;
    }
    return read;
}

/* Each use of an OptionalType value that needs the value itself (r + 1 after `if r is None:
 * return`) reads it through an UNWRAP, which raises TypeError where it holds None, as Numba's
 * implicit cast does. Returns whether it inserted one (the function is then typed again). */
static int unwrap_optionals(TypeInfo *ti, bool *inserted) {
    Function *fn = ti->fn;
    *inserted = false;
    bool *read = NULL;   /* per value: whether an instruction reads it */
    for (int b = 0; b < fn->nblocks; b++) {
        Block *blk = fn->blocks[b];
        for (int i = 0; i < blk->ninstrs; i++) {
            Instr *in = blk->instrs[i];
            if (!uses_optional(ti, in)) continue;
            if (in->op == IR_TUPLE || in->op == IR_SPREAD) {   /* f(x, *t) leaves [x] and [x, *t] unread */
                if (!read && !(read = values_read(ti))) return -1;
                if (!read[in->id]) {   /* none reads it: () does no harm where x is None */
                    in->op = IR_TUPLE;
                    in->nargs = in->imm = in->imm2 = 0;
                    *inserted = true;   /* typed again */
                    continue;
                }
            }
            for (int k = 0; k < in->nargs; k++) {
                const Type *t = ti->vtypes[in->args[k]];
                if (!t || t->kind != TY_OPTIONAL) continue;
                Instr *u = ir_insert(fn, blk, i++, IR_UNWRAP, 1, fn->instrs[in->args[k]]->loc);
                if (!u) return -1;
                u->args[0] = in->args[k];
                in->args[k] = u->id;
                *inserted = true;
            }
        }
    }
    return 0;
}

/* Whether a store of None to the variable is typed. */
static bool stores_none(TypeInfo *ti, int var) {
    for (int i = 0; i < ti->fn->ninstrs; i++) {
        Instr *in = ti->fn->instrs[i];
        if (in && in->op == IR_STOREVAR && in->imm == var && ti->vtypes[in->args[0]] &&
            ti->vtypes[in->args[0]]->kind == TY_NONE)
            return true;
    }
    return false;
}

/* Whether the variable is tested with `is None` / `is not None` (`v = d.get(k); if v is None:`). */
static bool tested_for_none(TypeInfo *ti, int var) {
    for (int i = 0; i < ti->fn->ninstrs; i++) {
        Instr *in = ti->fn->instrs[i];
        for (int k = 0; in && in->op == IR_IS && k < in->nargs; k++) {
            Instr *x = ti->fn->instrs[in->args[k]];
            if (x->op == IR_LOADVAR && x->imm == var) return true;
        }
    }
    return false;
}

/* A variable given OptionalType values and plain values of T, never None itself and never tested
 * for None (`0.0 if x is None else x`), holds T: each OptionalType value stored to it is read
 * through an UNWRAP. One that is tested holds OptionalType(T), read through an UNWRAP where a
 * use needs the value.
 * Returns TYPE_AGAIN, or 0 if there was none to unwrap. */
#define TYPE_AGAIN TI_AGAIN
static int unwrap_stores(TypeInfo *ti, int var) {
    Function *fn = ti->fn;
    bool inserted = false;
    for (int b = 0; b < fn->nblocks; b++) {
        Block *blk = fn->blocks[b];
        for (int i = 0; i < blk->ninstrs; i++) {
            Instr *in = blk->instrs[i];
            const Type *t = in->op == IR_STOREVAR && in->imm == var ? ti->vtypes[in->args[0]] : NULL;
            if (!t || t->kind != TY_OPTIONAL) continue;
            Instr *u = ir_insert(fn, blk, i++, IR_UNWRAP, 1, fn->instrs[in->args[0]]->loc);
            if (!u) return -1;
            u->args[0] = in->args[0];
            in->args[0] = u->id;
            inserted = true;
        }
    }
    return inserted ? TYPE_AGAIN : 0;
}

/* f(*t) and (x, *t): the starred arguments of `in` from position `first` (bit k of mask:
 * in->args[first + k]) are tuples, each replaced by its items, read by GETITEMs put before `in`.
 * TYPE_AGAIN once rewritten, 0 while a starred type is unknown, -1 on an error. */
static int spread_args(TypeInfo *ti, Instr *in, int first, unsigned mask) {
    Function *fn = ti->fn;
    int n = 0;
    int last = in->nargs - in->nkw;   /* (keywords follow, unstarred) */
    for (int k = first; k < last; k++) {
        const Type *t = ti->vtypes[in->args[k]];
        if (!(mask >> (k - first) & 1)) {
            n++;
            continue;
        }
        if (!t) return 0;
        if (t->kind != TY_TUPLE)
            return UNSUP(fn->instrs[in->args[k]], "*%s: only a tuple spreads into a call or a display in compiled code "
                         "(its length is part of its type)", t->name);
        n += t->n;
    }
    if (n + in->nkw > 255) return UNSUP(in, "more than 255 items after spreading");
    int *args = ctx_alloc(fn->ctx, sizeof(int) * (size_t)(first + n + in->nkw + 1)), at = ir_position(in), m = first;
    if (!args) return -1;
    memcpy(args, in->args, sizeof(int) * (size_t)first);
    for (int k = first; k < in->nargs; k++) {
        if (k >= last || !(mask >> (k - first) & 1)) {
            args[m++] = in->args[k];
            continue;
        }
        for (int j = 0; j < ti->vtypes[in->args[k]]->n; j++) {
            Instr *g = ti_insert_item(fn, in->block, &at, in->args[k], j, in->loc);
            if (!g) return -1;
            args[m++] = g->id;
        }
    }
    in->args = args;
    in->nargs = first + n + in->nkw;
    in->imm2 = 0;
    return TYPE_AGAIN;
}

/* a[l], a[l, 1], a[l] = v with l a list of ints or bools: l made an array (np.array, arraylike.c)
 * before the subscript, as NumPy indexes with it. 0 when the index holds no list. */
static bool index_list(const Type *t) {
    return t && t->kind == TY_LIST && t->elems[0] && (t->elems[0] == ty_int64 || t->elems[0] == ty_bool || t->elems[0] == ty_uint64);
}

static int list_index_as_array(TypeInfo *ti, Instr *in) {
    if (index_list(ti->vtypes[in->args[1]])) return ti_wrap_array_like(ti, in, 1);
    Instr *def = ti->fn->instrs[in->args[1]];
    for (int i = 0; def->op == IR_TUPLE && !def->imm && i < def->nargs; i++)
        if (index_list(ti->vtypes[def->args[i]])) return ti_wrap_array_like(ti, def, i);
    return 0;
}

/* A 0-d array and a scalar of its dtype (or the reverse): what an operator of 0-d arrays typed
 * before zerod.c reads their elements gives. */
static bool zerod_and_scalar(const Type *x, const Type *y) {
    if (x->kind != TY_ARRAY) {
        const Type *t = x;
        x = y, y = t;
    }
    return x->kind == TY_ARRAY && x->ndim == 0 && ty_is_number(y);
}

/* The variable a value reads (through UNWRAPs and copies: the function may be typed again from
 * the start), or -1. */
static int var_read(Function *fn, const Instr *x) {
    while (x->op == IR_UNWRAP || x->op == IR_COPY) x = fn->instrs[x->args[0]];
    return x->op == IR_LOADVAR ? x->imm : -1;
}

/* Whether variable var, None so far, may become an OptionalType: a store of another value (typed
 * or not yet), or of a variable that may. */
static bool var_may_grow(TypeInfo *ti, int var, int depth) {
    Function *fn = ti->fn;
    for (int i = 0; i < fn->ninstrs && depth < 8; i++) {
        const Instr *st = fn->instrs[i];
        if (!st || st->op != IR_STOREVAR || st->imm != var) continue;
        const Type *t = ti->vtypes[st->args[0]];
        int from = var_read(fn, fn->instrs[st->args[0]]);
        if (!t || t->kind != TY_NONE || (from >= 0 && from != var && var_may_grow(ti, from, depth + 1))) return true;
    }
    return false;
}

/* Whether an operand of `in` is None read from a variable that may yet become an OptionalType:
 * `x = None`, a loop storing a float into x, then `x * 2.0` after `if x is not None` in a block
 * typed before the loop's. An operation that cannot take None, or a builtin's call, waits for the
 * variable's type. */
static bool none_may_grow(TypeInfo *ti, const Instr *in) {
    const Type *callee = in->op == IR_CALL && in->nargs ? ti->vtypes[in->args[0]] : NULL;
    if (in->op != IR_BINOP && in->op != IR_UNOP && in->op != IR_SETITEM && in->op != IR_GETITEM && in->op != IR_GETATTR &&
        !(callee && callee->kind == TY_FUNCTION))   /* a builtin's (np.roll(prev, 1)); a compiled function may take None */
        return false;
    for (int k = 0; k < in->nargs; k++) {
        const Type *t = ti->vtypes[in->args[k]];
        int var = t && t->kind == TY_NONE ? var_read(ti->fn, ti->fn->instrs[in->args[k]]) : -1;
        if (var >= 0 && var_may_grow(ti, var, 0)) return true;
    }
    return false;
}

static int type_now(TypeInfo *ti, Instr *in, bool *changed);

/* Type one instruction. Returns 0 (its type may still be unknown), TYPE_AGAIN (the IR changed:
 * type the function anew), or -1 on an error. */
static int type_instr(TypeInfo *ti, Instr *in, bool *changed) {
    for (int i = 0; i < in->nargs; i++)
        if (!ti->vtypes[in->args[i]]) return 0;   /* wait for the argument's type */
    if (uses_optional(ti, in)) return 0;   /* typed again once an UNWRAP reads the value */
    if (none_may_grow(ti, in)) return 0;
    return type_now(ti, in, changed);
}

/* type_instr once its arguments are typed. */
static int type_now(TypeInfo *ti, Instr *in, bool *changed) {
    const Type *args[256];
    int n = in->nargs;
    for (int i = 0; i < n; i++) args[i] = ti->vtypes[in->args[i]];
    const Type *t = NULL;
    int dunder = ti_class_operator(ti, in, args, &t);   /* obj + x, obj[i]: its class's method (jitclass.c) */
    if (dunder < 0) return -1;
    switch (dunder == 0 ? IR_NOPS : in->op) {   /* (0: typed) */
    case IR_CONST: t = ti_const_type(&in->c); break;
    case IR_ARG: t = ti->argtypes[in->imm]; break;
    case IR_GLOBAL:
        if (!(t = ti_classify_global(ti, in->obj, in))) return -1;
        break;
    case IR_LOADVAR: t = ti->vartypes[in->imm]; break;
    case IR_STOREVAR: {
        const Type *decl = ti->fn->declared ? ti->fn->declared[in->imm] : NULL;
        if (decl) {   /* locals=: the variable keeps its declared type; numbers convert to it */
            bool number = ty_is_number(args[0]) && args[0] != ty_complex128 && ty_is_number(decl);
            if (decl->kind == TY_FUNCPTR && ti_is_function(args[0])) {   /* locals={'f': FunctionType(sig)} */
                const Type *both[2] = {decl, args[0]};
                return ti_join_functions(ti, in, both, 2) ? 0 : -1;
            }
            if (ty_unify(args[0], decl) != decl && !number)
                return ERR(in, "cannot store %s in variable '%s', declared %s by locals=", args[0]->name,
                           var_label(ti, in->imm), decl->name);
            return 0;
        }
        const Type *old = ti->vartypes[in->imm], *u = ty_unify(old, args[0]);
        if (!u && (old->kind == TY_OPTIONAL) != (args[0]->kind == TY_OPTIONAL) && old->kind != TY_NONE &&
            args[0]->kind != TY_NONE && !stores_none(ti, in->imm) && !tested_for_none(ti, in->imm)) {
            int rc = unwrap_stores(ti, in->imm);   /* `0.0 if x is None else x`: the variable holds x's value */
            if (rc) return rc;
        }
        if (!u && ti_is_function(old) && ti_is_function(args[0])) {   /* f = g if c else h (funcs.c) */
            const Type *both[2] = {old, args[0]};
            if (!(u = ti_join_functions(ti, in, both, 2))) return -1;
        }
        if (!u && (old->kind == TY_NONE || args[0]->kind == TY_NONE || old->kind == TY_OPTIONAL || args[0]->kind == TY_OPTIONAL ||
                   (old->kind == TY_TUPLE && args[0]->kind == TY_TUPLE)))
            u = unify_none(old, args[0]);   /* `k = None` ... `k = 1.0`: OptionalType(float64) */
        if (!u && zerod_and_scalar(old, args[0])) {   /* s = 0.0; s += z * 2 with z 0-d: z * 2 is a scalar (zerod.c) */
            int rc = ti_scalarize_zerod(ti);
            if (rc) return rc < 0 ? -1 : TYPE_AGAIN;
            return ERR(in, "cannot unify %s and %s for %s (a 0-d array and a scalar meet here: read the array's element "
                       "with [()] to keep a scalar)", old->name, args[0]->name, var_label(ti, in->imm));
        }
        if (u == ty_float64 && ((old == ty_int64 && args[0] == ty_uint64) || (old == ty_uint64 && args[0] == ty_int64)) &&
            unsigned_variable(ti, in->imm))
            u = ty_uint64;   /* h = np.uint32 argument, then h ^= h >> 16 (a uint64): a uint64, as in Numba */
        if (!u) return ERR(in, "cannot unify %s and %s for %s", old->name, args[0]->name,
                           var_label(ti, in->imm));
        if (u != old) {
            ti->vartypes[in->imm] = u;
            *changed = true;
        }
        if (u != args[0] && !ty_is_complete(args[0])) return ti_refine(ti, in->args[0], u, changed);
        return 0;
    }
    case IR_BINOP: case IR_CMP:   /* an array with a tuple or list of numbers: np.array of it (arraylike.c) */
        for (int k = 0; k < 2; k++)
            if (args[1 - k]->kind == TY_ARRAY && ti_is_array_like(ti, in->args[k]) && !(in->op == IR_BINOP && in->imm2))
                return ti_wrap_array_like(ti, in, k);
        if (in->op == IR_CMP) {
            if (!(t = type_cmp(ti, in, args[0], args[1], changed))) return -1;
            break;
        }
        if (!(t = type_binop(ti, in, args[0], args[1], changed))) return -1;
        break;
    case IR_UNOP:
        if (!(t = type_unop(ti, in, args[0]))) return -1;
        break;
    case IR_IS:   /* values of one type: equal ones are one object; of two types, never (as Numba) */
        if (args[0]->kind != TY_NONE && args[1]->kind != TY_NONE && args[0] != args[1] &&
            (!ty_is_runtime(args[0]) || !ty_is_runtime(args[1])))
            return UNSUP(in, "'is' is not supported between %s and %s", args[0]->name, args[1]->name);
        t = ty_bool;
        break;
    case IR_TRUTH:
        if (!(t = type_truth(ti, in, args[0]))) return -1;
        break;
    case IR_TUPLE:
        if (in->imm == 1 && !list_is_call_argument(ti, in)) {
            if (!(t = ti_list_literal(ti, in, args, n))) return -1;
            if (ti->vtypes[in->id]) t = ty_unify(ti->vtypes[in->id], t);   /* refined by a later use */
            break;
        }
        for (int i = 0; i < n; i++)   /* (classes, as `except (A, B)` and isinstance name them; compiled functions) */
            if (!ty_is_runtime(args[i]) && args[i]->kind != TY_EXCCLASS && args[i]->kind != TY_DISPATCHER &&
                args[i]->kind != TY_HOOKED && args[i]->kind != TY_CFUNC && args[i]->kind != TY_FUNCSET &&
                args[i]->kind != TY_FUNCTION && args[i]->kind != TY_DTYPE && args[i]->kind != TY_RECDTYPE)
                return UNSUP(in, "a tuple cannot hold %s", args[i]->name);
        t = ty_tuple(n, args);
        break;
    case IR_GETITEM:
        if (args[0]->kind == TY_LIST && !args[0]->elems[0] && args[1]->kind != TY_SLICE) break;   /* not known yet */
        if (args[0]->kind == TY_DICT) {
            if (!(t = ti_dict_getitem(ti, in, args[0], args[1])) && args[0]->elems[1]) return -1;
            break;
        }
        if (args[0]->kind == TY_ARRAY && ti_has_ellipsis(args[1])) break;
        if (args[0]->kind == TY_ARRAY) {   /* a[[0, 2]], a[[0, 2], 1]: the list as np.array(list), as NumPy */
            int rc = list_index_as_array(ti, in);
            if (rc) return rc;
        }
        if (ti_is_grid(args[0])) {
            if (!(t = ti_type_grid(ti, in, args[0]))) return -1;
            break;
        }   /* ti_expand_ellipses, then typed again */
        if (!(t = type_getitem(ti, in, args[0], args[1]))) return -1;
        break;
    case IR_SETITEM:
        if (args[0]->kind == TY_RECORD || args[0]->kind == TY_RECARRAY)
            return ti_fields_setitem(ti, in, args[0], args[1], args[2]);
        if (args[0]->kind == TY_CLASS && in->imm2 == IR_SET_ATTR) return ti_class_setattr(ti, in, args[0], args[2], changed);
        if (in->imm2 == IR_SET_ATTR)
            return UNSUP(in, "attribute assignment is not supported (but for a record's fields, r.x = v, and for a.shape = "
                             "... on a local array)");
        if (args[0]->kind == TY_LIST) return ti_list_setitem(ti, in, args[0], args[1], args[2], changed);
        if (args[0]->kind == TY_DICT) return ti_dict_setitem(ti, in, args[0], args[1], args[2], changed);
        if (is_flat_of(args[0])) {   /* a.flat[k] = v */
            if (!flat_index(ti, in, args[0], args[1])) return -1;
            if (!ty_is_number(args[2])) return ERR(in, "cannot assign %s to an element of %s", args[2]->name, args[0]->recv->name);
            if (args[0]->recv->readonly) return ERR(in, "cannot assign into a read-only array (%s)", args[0]->recv->name);
            return 0;
        }
        if (args[0]->kind != TY_ARRAY) return UNSUP(in, "item assignment on %s is not supported", args[0]->name);
        {
            int rc = list_index_as_array(ti, in);
            if (rc) return rc;
        }
        if (ti_has_ellipsis(args[1])) return 0;   /* ti_expand_ellipses, then typed again */
        return ti_array_setitem(ti, in, args[0], args[1], args[2]);
    case IR_SLICE: {
        int mask = 0;
        for (int i = 0; i < 3; i++) {
            if (args[i]->kind == TY_NONE) continue;
            int grid = is_index(args[i]) ? 1 : ty_is_number(args[i]) ? ti_slice_feeds_grid(ti, in) : 0;
            if (grid < 0) return 0;   /* np.mgrid[0:1:5j]: wait for the subscript's receiver */
            if (!grid) return ERR(in, "slice indices must be integers (got %s)", args[i]->name);
            mask |= 1 << i;
        }
        t = ty_slice(mask);
        break;
    }
    case IR_UNPACK:
        if (args[0]->kind == TY_ARRAY && args[0]->ndim >= 1) {   /* x, y = np.mgrid[...]: its rows (len checked when it runs) */
            t = ti_iter_value_type(args[0]);
            break;
        }
        if (args[0]->kind == TY_LIST) {   /* k, v = s.split("="): its items (len checked when it runs) */
            if (!(t = args[0]->elems[0])) return 0;   /* [] before its first use */
            break;
        }
        if (args[0]->kind != TY_TUPLE)
            return UNSUP(in, "cannot unpack %s", args[0]->name);
        if (args[0]->n != in->imm2)
            return ERR(in, "cannot unpack %s into %d values", args[0]->name, in->imm2);
        t = args[0]->elems[in->imm];
        break;
    case IR_GETATTR:
        if (args[0]->kind == TY_NONE) return 0;   /* None so far: a variable a later store may make an OptionalType(instance) */
        if (args[0]->kind == TY_EXCVAL && !strcmp(in->str, "args")) {
            if (ti_exc_args_type(ti, in, &t)) return -1;
            break;
        }
        if (!(t = ti_type_getattr(ti, in, args[0]))) return -1;
        break;
    case IR_SPREAD: {
        int rc = spread_args(ti, in, 0, (unsigned)in->imm2);
        if (rc == TYPE_AGAIN) in->op = IR_TUPLE;   /* (imm: a list or a tuple, as written) */
        return rc;
    }
    case IR_CALL: {
        if (in->imm2 == 1) return spread_args(ti, in, 1, 1);   /* f(*t) */
        if (n >= 3 && args[1]->kind == TY_LIST && !args[1]->elems[0] && ty_is_complete(args[2]) && heapq_push(ti->fn, in))
            return ti_refine(ti, in->args[1], ty_list_like(args[1], args[2]), changed);   /* h = []; heappush(h, x) */
        int rc = ti_type_call(ti, in, args[0], args + 1, n - 1, changed);
        if (rc) return rc < 0 ? -1 : rc;   /* TYPE_AGAIN: an argument became np.array(...) */
        t = ti->calls[in->id] ? ti->calls[in->id]->ret : NULL;
        if (t && ti->calls[in->id]->post) t = ty_bool;   /* bool(obj) of a jitclass instance */
        if (t && ti->vtypes[in->id] && !ty_is_complete(t) && ty_unify(ti->vtypes[in->id], t))
            t = ty_unify(ti->vtypes[in->id], t);   /* list() or dict() refined by a later use */
        break;
    }
    case IR_MAKEFUNC:
        t = ty_object(TY_INNERFUNC, in->obj, 0);
        break;
    case IR_CELLREF:
        t = ty_none;   /* only MAKEFUNC reads it; the variable is passed at the call */
        break;
    case IR_GETITER:
        if (!ty_is_complete(args[0])) break;   /* a list whose element type a later use gives */
        if (unrolled_later(ti, in, args[0])) return 0;
        if (progression_as_range(ti, in)) return TYPE_AGAIN;
        if (args[0]->kind == TY_ITER) t = args[0];   /* for x in it: it goes on (its state is the loop's) */
        else if (ti_is_iterable(args[0])) t = ty_iter(args[0]);
        else if (args[0]->kind == TY_TUPLE)
            return UNSUP(in, "iterating over the heterogeneous %s is not supported", args[0]->name);
        else
            return UNSUP(in, "cannot iterate over %s", args[0]->name);
        break;
    case IR_ITERVALUE:
        t = ti_iter_value_type(args[0]->iter_of);
        break;
    case IR_FORITER: case IR_JUMP:
        return 0;
    case IR_BRANCH:
        if (args[0] != ty_bool) return ERR(in, "internal: branch on %s", args[0]->name);
        return 0;
    case IR_YIELD: {
        if (!ti->fn->generator) return ERR(in, "internal: yield outside a generator function");
        if (!ty_is_value(args[0]))   /* pointed at the yielded expression */
            return UNSUP(ti->fn->instrs[in->args[0]], "a generator yielding %s is not supported (numbers, None, "
                         "arrays, strings, lists, dicts, sets and tuples of them are)", args[0]->name);
        const Type *u = ti->yields ? ty_unify(ti->yields, args[0]) : args[0];
        if (!u) return ERR(in, "cannot unify the values a generator yields, %s and %s", ti->yields->name, args[0]->name);
        if (u != ti->yields) {
            ti->yields = u;
            *changed = true;
        }
        return 0;
    }
    case IR_RETURN: {
        if (ti->fn->generator) {
            if (args[0] != ty_none)
                return UNSUP(ti->fn->instrs[in->args[0]], "a generator returning a value (StopIteration.value) is not "
                             "supported");
            return 0;
        }
        if (args[0]->kind == TY_FUNCSET)
            return UNSUP(ti->fn->instrs[in->args[0]], "cannot return a function chosen at run time (%s) to Python", args[0]->name);
        if (args[0]->kind == TY_RECORD && !ti_record_in_parameter(ti, in->args[0]))
            return UNSUP(ti->fn->instrs[in->args[0]], "cannot return a record of an array this function made (%s): "
                         "its memory goes with the array; return the array, or the record's fields", args[0]->name);
        if (!ty_is_value(args[0]) && args[0]->kind != TY_DISPATCHER && args[0]->kind != TY_GENERATOR &&
            args[0]->kind != TY_FUNCPTR && args[0]->kind != TY_RECORD && args[0]->kind != TY_SLICE && !holds_known_objects(args[0]))   /* pointed at the returned expression */
            return UNSUP(ti->fn->instrs[in->args[0]], "cannot return %s from a compiled function",
                         args[0]->name);
        const Type *u = ty_unify(ti->ret, args[0]);
        if (!u && ti_is_function(ti->ret) && ti_is_function(args[0]))
            return UNSUP(ti->fn->instrs[in->args[0]], "cannot return different functions (%s, %s) to Python",
                         ti->ret->name, args[0]->name);
        if (!u) u = unify_none(ti->ret, args[0]);
        if (!u && zerod_and_scalar(ti->ret, args[0])) {
            int rc = ti_scalarize_zerod(ti);
            if (rc) return rc < 0 ? -1 : TYPE_AGAIN;
        }
        if (!u) return ERR(in, "cannot unify return types %s and %s", ti->ret->name, args[0]->name);
        if (u == ty_float64 && ((ti->ret == ty_int64 && args[0] == ty_uint64) || (ti->ret == ty_uint64 && args[0] == ty_int64)) &&
            returns_unsigned(ti))
            u = ty_uint64;   /* an int64 typed before a variable became uint64 (unsigned_variable) */
        if (u != ti->ret) {
            ti->ret = u;
            *changed = true;
        }
        return 0;
    }
    case IR_RAISE:
        if (!is_exception(args[0]))
            return ERR(in, "exceptions must derive from BaseException (got %s)", args[0]->name);
        if (n == 2 && !is_exception(args[1]) && args[1]->kind != TY_NONE)
            return ERR(in, "exception causes must derive from BaseException (got %s)", args[1]->name);
        return 0;
    case IR_RERAISE:
        if (args[0]->kind != TY_EXCVAL) return ERR(in, "internal: re-raise of %s", args[0]->name);
        return 0;
    case IR_EXCFETCH:
        t = ty_excval;
        break;
    case IR_OBJMODE:
        if (!(t = ti_type_objmode(ti, in, args, n))) return -1;
        break;
    case IR_EXCMATCH:
        if (!is_class_or_classes(args[1]))
            return ERR(ti->fn->instrs[in->args[1]], "catching classes that do not inherit from BaseException is not "
                       "allowed (got %s)", args[1]->name);
        t = ty_bool;
        break;
    case IR_DELVAR:
        return 0;
    case IR_COPY:
        t = args[0];
        break;
    case IR_UNWRAP:
        t = args[0]->kind == TY_OPTIONAL ? args[0]->elems[1] : args[0];
        break;
    case IR_LISTAPPEND: {
        if (args[0]->kind != TY_LIST) return ERR(in, "internal: LIST_APPEND to %s", args[0]->name);
        const Type *e = args[0]->elems[0];
        if (!e || (args[1]->kind == TY_LIST && !ty_is_complete(e))) return ti_refine(ti, in->args[0], ty_list_like(args[0], args[1]), changed);
        int widened = ti_widen_list(ti, in->args[0], e, args[1], changed);   /* d = 0 on one path, 1.5 * i on another */
        if (widened) return widened < 0 ? -1 : 0;
        if (ty_unify(e, args[1]) != e)
            return ERR(in, "cannot append %s to %s", args[1]->name, args[0]->name);
        return 0;
    }
    case IR_DELITEM:
        if (args[0]->kind == TY_DICT) return ti_dict_getitem(ti, in, args[0], args[1]) || !args[0]->elems[1] ? 0 : -1;
        return ti_list_delitem(ti, in, args[0], args[1]);
    case IR_DICT:
        if (!(t = ti_dict_literal(ti, in, args, n))) return -1;
        if (ti->vtypes[in->id]) t = ty_unify(ti->vtypes[in->id], t);   /* refined by a later use */
        break;
    case IR_SET:
        if (!(t = ti_set_literal(ti, in, args, n))) return -1;
        if (ti->vtypes[in->id]) t = ty_unify(ti->vtypes[in->id], t);   /* refined by a later use */
        break;
    case IR_SETADD:
        if (args[0]->kind != TY_SET) return ERR(in, "internal: SET_ADD to %s", args[0]->name);
        return ti_set_add(ti, in, in->args[0], args[0], args[1], changed);
    case IR_MAPADD:
        if (args[0]->kind != TY_DICT) return ERR(in, "internal: MAP_ADD to %s", args[0]->name);
        return ti_dict_setitem(ti, in, args[0], args[1], args[2], changed);
    case IR_CONTAINS:   /* a1 in a0 */
        if (args[0] == ty_str) {   /* substring; a string in a container: ti_contains */
            if (args[1] != ty_str)
                return UNSUP(in, "'in' is supported between strings (got %s in %s)", args[1]->name, args[0]->name);
            t = ty_bool;
            break;
        }
        if (!(t = ti_contains(ti, in, args[0], args[1]))) return -1;
        break;
    case IR_FORMAT:
        if (!(t = ti_type_format(ti, in, args[0], args[1]))) return -1;
        break;
    case IR_BUILDSTR:
        for (int i = 0; i < n; i++)
            if (args[i] != ty_str) return ERR(in, "internal: an f-string piece of type %s", args[i]->name);
        t = ty_str;
        break;
    case IR_NOPS:
        if (dunder) return 0;
        break;
    }
    if (t && t != ti->vtypes[in->id]) {
        ti->vtypes[in->id] = t;
        *changed = true;
    }
    return 0;
}

/* After the fixed point: every value that something uses must have a type, and every call
 * (`s.pop()` as a statement of an empty set too). Says why def has none. */
static int untyped(TypeInfo *ti, Instr *def) {
    Function *fn = ti->fn;
    if (def->op == IR_CALL && ti->calls[def->id] && ti->calls[def->id]->kind == CALL_CYCLE)
        return ti_cycle_untyped(ti, def);
    if (def->op == IR_CALL && ti->calls[def->id] && ti->calls[def->id]->kind == CALL_SELF)
        return ctx_error(fn->ctx, DIAG_TYPING, fn, def->loc,
                         "cannot infer the return type of recursive function %s: "
                         "no return path that does not recurse", fn->name);
    if (def->op == IR_GETATTR && ti->vtypes[def->args[0]] && ti->vtypes[def->args[0]]->kind == TY_NONE)
        return ctx_error(fn->ctx, DIAG_TYPING, fn, def->loc, "None has no attribute '%s'", def->str);
    if (def->op == IR_LOADVAR)
        return ctx_error(fn->ctx, DIAG_TYPING, fn, def->loc, "variable '%s' is used before it is assigned",
                         fn->varnames[def->imm]);
    const Type *callee = def->op == IR_CALL ? ti->vtypes[def->args[0]] : NULL;
    if (callee && callee->kind == TY_INNERFUNC && callee->obj && PyCode_Check(callee->obj)) {   /* [... for x in ...] using h = [] */
        PyCodeObject *co = (PyCodeObject *)callee->obj;
        PyObject *names = co->co_localsplusnames;
        for (Py_ssize_t k = PyTuple_GET_SIZE(names) - co->co_nfreevars; k < PyTuple_GET_SIZE(names); k++) {
            const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(names, k));
            for (int v = 0; name && v < fn->nvars; v++) {
                const Type *vt_ = ti->vartypes[v];
                if (strcmp(fn->varnames[v], name) || !vt_ || ty_is_complete(vt_)) continue;
                return ctx_error(fn->ctx, DIAG_TYPING, fn, def->loc,
                                 "cannot type this call: it uses '%s', an empty %s whose item type nothing here gives "
                                 "(%s); add an item first", name, vt_->kind == TY_DICT ? "dict" : vt_->kind == TY_SET ? "set" : "list",
                                 vt_->name);
            }
        }
    }
    for (int a = 0; def->op == IR_CALL && a < def->nargs; a++) {   /* a call waiting for an item type */
        const Type *at = ti->vtypes[def->args[a]];
        const Type *c = at && at->kind == TY_METHOD && at->recv ? at->recv : at;   /* s.pop(): s */
        if (at && !ty_is_complete(at))
            return ctx_error(fn->ctx, DIAG_TYPING, fn, def->loc,
                             "cannot type this call: an argument is an empty %s whose item type "
                             "nothing here gives (%s); add an item first, or make it in the callee",
                             c->kind == TY_DICT ? "dict" : c->kind == TY_SET ? "set" : "list", at->name);
    }
    return ctx_error(fn->ctx, DIAG_TYPING, fn, def->loc, "cannot infer the type of this expression");
}

static int check_complete(TypeInfo *ti) {
    Function *fn = ti->fn;
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
            Instr *in = fn->blocks[b]->instrs[i];
            for (int k = 0; k < in->nargs; k++)
                if (!ti->vtypes[in->args[k]]) return untyped(ti, fn->instrs[in->args[k]]);
            if (in->op == IR_CALL && !ti->vtypes[in->id]) return untyped(ti, in);
        }
    return 0;
}

TypeInfo *ti_new(Ctx *ctx, Function *fn, const Type **argtypes, int nargs, const TiHost *host,
                 const char *symbol, TypeInfo *outer) {
    if (nargs != fn->nparams + fn->nfree) {
        ctx_error(ctx, DIAG_TYPING, fn, (Loc){fn->firstline, -1, -1},
                  "%s takes %d arguments but %d were given", fn->name, fn->nparams, nargs - fn->nfree);
        return NULL;
    }
    TypeInfo *ti = ctx_alloc(ctx, sizeof *ti);
    if (!ti) return NULL;
    ti->fn = fn;
    ti->host = host;
    ti->nargs = nargs;
    ti->argtypes = ctx_alloc(ctx, sizeof(Type *) * (size_t)(nargs + 1));
    ti->vtypes = ctx_alloc(ctx, sizeof(Type *) * (size_t)(fn->ninstrs + 1));
    ti->vartypes = ctx_alloc(ctx, sizeof(Type *) * (size_t)(fn->nvars + 1));
    ti->frozen = ctx_alloc(ctx, sizeof(PyObject *) * (size_t)(fn->ninstrs + 1));
    ti->calls = ctx_alloc(ctx, sizeof(CallInfo *) * (size_t)(fn->ninstrs + 1));
    if (!ti->argtypes || !ti->vtypes || !ti->vartypes || !ti->frozen || !ti->calls) return NULL;
    memcpy(ti->argtypes, argtypes, sizeof(Type *) * (size_t)nargs);
    ti->argdt = ctx_alloc(ctx, (size_t)(nargs + 1));
    if (!ti->argdt) return NULL;
    for (int i = 0; i < nargs; i++) {
        ti->argdt[i] = argtypes[i]->kind == TY_NARROW ? (signed char)argtypes[i]->dtype : -1;
        ti->argtypes[i] = ty_held(argtypes[i]);
    }
    ti->symbol = symbol;
    ti->outer = outer;
    ti->root = outer ? outer->root : ti;
    /* a parameter a Python call left to its default (TY_OMITTED): the default, as a constant */
    for (int v = 0; !outer && v < fn->ninstrs; v++) {
        Instr *in = fn->instrs[v];
        if (!in || in->op != IR_ARG || in->imm >= nargs || argtypes[in->imm]->kind != TY_OMITTED) continue;
        if (ir_const_of(ctx, argtypes[in->imm]->obj, &in->c)) return NULL;   /* (ty_omitted took constants only) */
        in->op = IR_CONST;
    }
    if (!outer && ti_prune_none_tests(ti)) return NULL;   /* `if out is None` on a parameter (prune.c) */
    for (int v = 0; fn->declared && v < fn->nvars; v++)
        if (fn->declared[v]) ti->vartypes[v] = fn->declared[v];
    return ti;
}

/* Once typing stalls: what waited for a None variable to become an OptionalType is typed with
 * None (x = x + 1 after x = None waits for x, which only it could change: "cannot add none and
 * int64"). */
static int type_waiting(TypeInfo *ti, bool *changed) {
    Function *fn = ti->fn;
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
            Instr *in = fn->blocks[b]->instrs[i];
            bool typed = true;
            for (int k = 0; k < in->nargs; k++) typed &= ti->vtypes[in->args[k]] != NULL;
            if (typed && !uses_optional(ti, in) && none_may_grow(ti, in)) {
                int rc = type_now(ti, in, changed);
                if (rc) return rc;
            }
        }
    return 0;
}

int ti_type_round(TypeInfo *ti, bool *changed) {
    Function *fn = ti->fn;
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
            int rc = type_instr(ti, fn->blocks[b]->instrs[i], changed);
            if (rc) return rc;
        }
    return 0;
}

/* Facts, and compiled callees specialised for the float32 and narrow int values they are given
 * (calls.c, ti_narrow_native_calls), whose results may be such values in turn. A value can reach
 * a call through the results of others (p, q = sort2(p, q) in a loop), so the first round guesses
 * (ti->guess_calls): callees' results are as narrow as the values they are given. Then the
 * facts without the guess, and rounds until every call has the specialisation its arguments
 * ask for; each can only make fewer values narrow, and after 8 every call takes its canonical
 * one, which no fact can contradict. */
static int narrow_callees(TypeInfo *ti) {
    bool calls = false, changed = false;
    for (int v = 0; v < ti->fn->ninstrs && !calls; v++)
        calls = ti->calls[v] && ti->calls[v]->kind == CALL_NATIVE;
    ti->guess_calls = calls;
    if (ti_find_facts(ti)) return -1;
    if (!calls) return 0;
    if (ti_narrow_native_calls(ti, false, &changed)) return -1;
    ti->guess_calls = false;
    if (ti_find_facts(ti)) return -1;
    for (int round = 0; changed; round++) {
        changed = false;
        if (ti_narrow_native_calls(ti, round == 8, &changed)) return -1;
        if (changed && ti_find_facts(ti)) return -1;
        if (round == 8) break;
    }
    return 0;
}

int ti_settle(TypeInfo *ti) {
    Function *fn = ti->fn;
    int expanded = ti_expand_ellipses(ti);   /* a[..., 0]: the subscript NumPy means, then type again */
    if (expanded) return expanded;
    int scalarized = ti_scalarize_zerod(ti);   /* np.array(2.0) + 1: a scalar, as NumPy's */
    if (scalarized) return scalarized;
    for (int i = 0; i < fn->ninstrs; i++) {   /* a literal_unroll loop: unroll it, then type again */
        Instr *x = fn->instrs[i];
        if (!x || x->op != IR_GETITER || ti->vtypes[i] || !ti->vtypes[x->args[0]] || !unrolled_later(ti, x, ti->vtypes[x->args[0]]))
            continue;
        return ti_unroll_literal_loop(ti, x, ti->vtypes[x->args[0]]) ? -1 : TYPE_AGAIN;
    }
    bool unwrapped;
    if (unwrap_optionals(ti, &unwrapped)) return -1;
    if (unwrapped) return TYPE_AGAIN;
    if (ti_check_function_sets(ti) || check_complete(ti)) return -1;
    ti_complete_types(ti);
    if (fn->generator) ti->ret = ty_generator(ti->yields ? ti->yields : ty_none);
    if (!ti->ret) ti->ret = ty_none;   /* it only raises */
    if (ti_find_unbound(ti)) return -1;
    if (fn->parallel && !ti->outer && ti_find_parloops(ti)) return -1;
    return narrow_callees(ti);
}

/* Rounds over the function (and the other functions of its recursion cycle, cycle.c) until no
 * type changes, then the steps after the fixed point; a step that changes the IR types the whole
 * compile anew. */
TypeInfo *ti_infer(Ctx *ctx, Function *fn, const Type **argtypes, int nargs, const TiHost *host,
                   const char *symbol, TypeInfo *outer) {
    TypeInfo *ti = ti_new(ctx, fn, argtypes, nargs, host, symbol, outer);
    if (!ti) return NULL;
    int rc = 0;
    for (int round = 0;; round++) {
        bool changed = false;
        rc = ti_type_round(ti, &changed);
        if (!rc) rc = ti_cycle_round(ti, &changed);
        if (!rc && !changed) rc = type_waiting(ti, &changed);   /* stalled */
        if (rc || !changed) break;
        if (round == 100) {
            ctx_error(ctx, DIAG_INTERNAL, fn, (Loc){fn->firstline, -1, -1},
                      "type inference did not converge");
            return NULL;
        }
    }
    if (!rc) rc = ti_settle(ti);
    if (!rc) rc = ti_cycle_settle(ti);
    if (rc == TYPE_AGAIN) return ti_infer(ctx, fn, argtypes, nargs, host, symbol, outer);
    return rc ? NULL : ti;
}
