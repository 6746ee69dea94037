/* containers.c: typing rules for lists (literals, comprehensions, methods, operators and the
 * builtins that consume iterables: len, sum, min, max, any, all, sorted, list, reversed).
 *
 * A list's type is list(elem), invariant in elem as in Numba: a list of int64 stays one (a
 * float appended to it is an error, an int appended to a list of float64 converts).
 *
 * Empty lists. `[]` types as list(undefined); the first use that puts an element in (append,
 * extend, insert, item assignment, +=, a store into a variable whose type is known) refines it:
 * ti_refine follows the value back to where it comes from (a variable, a list literal, an item of
 * another list, a method's receiver) and widens that to list(elem); the fixed point then carries
 * the type everywhere the value flows. A list never given an element keeps no element type: the
 * last step of typing (ti_complete_types) makes it list(int64), which no run can tell apart.
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

/* What a list may hold: numbers, strings, Enum members, tuples of them, arrays, lists, dicts and sets. */
static bool storable(const Type *t) {
    if (!t) return false;
    if (ty_is_number(t) || t == ty_str || t->kind == TY_ARRAY || ty_is_heap(t) || t->kind == TY_FUNCPTR || t->kind == TY_ENUM)
        return true;
    if (t->kind != TY_TUPLE) return false;
    for (int i = 0; i < t->n; i++)
        if (!storable(t->elems[i])) return false;
    return true;
}

bool ti_storable(const Type *t) { return storable(t); }

/* Whether list value v (or the method of one) is a variable only lists made in the function
 * reach (none a parameter's, whose type the caller's list fixes): the items its appends give
 * widen it (d = 0 on one path and 1.5 * i on another, appended: list(float64), as Numba). */
static Instr *list_load(TypeInfo *ti, int v) {   /* the LOADVAR list value v (or its method) reads, or NULL */
    Instr *load = ti->fn->instrs[v];
    if (load->op == IR_GETATTR) load = ti->fn->instrs[load->args[0]];
    return load->op == IR_LOADVAR ? load : NULL;
}

static bool list_made_here(TypeInfo *ti, int v) {
    Instr *load = list_load(ti, v), *st[16];
    if (!load) return false;
    int n = ti_var_stores(ti->fn, load->imm, st, 16);
    if (n <= 0 || n > 16) return false;
    for (int i = 0; i < n; i++) {
        Instr *src = ti->fn->instrs[st[i]->args[0]];
        if (src->op != IR_TUPLE || src->imm != 1) return false;   /* a list display ([] or [x, y]) */
    }
    return true;
}

/* Appending x to list value v of items e: where x is a wider number (or a tuple of such) and the
 * list one made here (list_made_here), v holds items of the two's unified type from now on: its
 * variable and the displays stored into it are typed again with them, and the function returns
 * 1; 0 where it does not apply, -1 on an error. */
int ti_widen_list(TypeInfo *ti, int v, const Type *e, const Type *x, bool *changed) {
    const Type *w = ty_unify(e, x);
    if (!w || w == e || !(ty_is_number(w) || w->kind == TY_TUPLE) || !list_made_here(ti, v)) return 0;
    Instr *load = list_load(ti, v), *st[16];
    const Type *l = ti->vartypes[load->imm];
    if (!l || l->kind != TY_LIST) return -1;
    const Type *nl = ty_list_like(l, w);
    ti->vartypes[load->imm] = nl;
    ti->ret = NULL;   /* (returned already, as it was: the returns are typed again) */
    int n = ti_var_stores(ti->fn, load->imm, st, 16);
    for (int i = 0; i < n; i++) ti->vtypes[st[i]->args[0]] = nl;
    *changed = true;
    return 1;
}

/* The type value `v` of type `from` takes when stored into a list of `elem`: elem, or NULL. */
static bool converts(const Type *from, const Type *elem) {
    if (from == elem) return true;
    if (ty_is_number(from) && ty_is_number(elem))
        return ty_rank(from) <= ty_rank(elem) && !(from == ty_uint64 && elem == ty_int64) &&
               !(from == ty_int64 && elem == ty_uint64);
    if (from->kind == TY_TUPLE && elem->kind == TY_TUPLE && from->n == elem->n) {
        for (int i = 0; i < from->n; i++)
            if (!converts(from->elems[i], elem->elems[i])) return false;
        return true;
    }
    if (from->kind == TY_ARRAY && elem->kind == TY_ARRAY) return ty_unify(from, elem) == elem;
    if (ty_is_heap(from) && from->kind == elem->kind) return ty_unify(from, elem) == elem;
    return false;
}

/* Can values of types x and y be compared for equality (`in`, index, count, remove)? */
static bool comparable(const Type *x, const Type *y) {
    return (ty_is_number(x) && ty_is_number(y)) || (x == ty_str && y == ty_str) ||
           (x->kind == TY_TUPLE && y->kind == TY_TUPLE && ty_unify(x, y)) || (x->kind == TY_LIST && y->kind == TY_LIST) ||
           (x->kind == TY_ENUM && y->kind == TY_ENUM);
}

/* Does `<` order values of type e (sort, sorted, min, max)? numbers, strings, tuples of them. */
static bool orderable(const Type *e) {
    if (e == ty_complex128) return false;
    if (ty_is_number(e) || e == ty_str) return true;
    if (e->kind == TY_LIST) return e->elems[0] && orderable(e->elems[0]);   /* lists of lists: in the order < gives them */
    if (e->kind != TY_TUPLE) return false;
    for (int i = 0; i < e->n; i++)
        if (!orderable(e->elems[i])) return false;
    return true;
}

/* Widen the type of value `v` (a list with undefined parts) to t, at its source. */
int ti_refine(TypeInfo *ti, int v, const Type *t, bool *changed) {
    Instr *in = ti->fn->instrs[v];
    const Type *old = ti->vtypes[v];
    switch (in->op) {
    case IR_LOADVAR: {
        const Type *held = ti->vartypes[in->imm];
        if (held && held->kind == TY_METHOD && t->kind != TY_METHOD && !(t = ty_method(t, held->attr))) return -1;
        const Type *u = ty_unify(held, t);
        if (u && u != held) {
            ti->vartypes[in->imm] = u;
            *changed = true;
            /* an operand-stack entry carried across a branch (out.append(x if c else y)): what
             * was stored into it learns too, back to the list the method was taken from (each
             * variable changes finitely often, so this ends) */
            if (ti->fn->varnames[in->imm][0] == '$')
                for (int i = 0; i < ti->fn->ninstrs; i++) {
                    Instr *st = ti->fn->instrs[i];
                    if (st && st->op == IR_STOREVAR && st->imm == in->imm && ti_refine(ti, st->args[0], u, changed)) return -1;
                }
        }
        break;
    }
    case IR_GETITEM: {   /* an item of a list of lists, a slice of a list, a value of a dict */
        const Type *c = ti->vtypes[in->args[0]], *it = ti->vtypes[in->args[1]];
        if (c && c->kind == TY_LIST && it && it->kind == TY_SLICE) return ti_refine(ti, in->args[0], t, changed);
        if (c && c->kind == TY_LIST) return ti_refine(ti, in->args[0], ty_list_like(c, t), changed);
        if (c && c->kind == TY_DICT) return ti_refine(ti, in->args[0], ty_dict_like(c, c->elems[0], t), changed);
        break;
    }
    case IR_GETATTR:   /* a method's receiver */
        return ti_refine(ti, in->args[0], t->kind == TY_METHOD ? t->recv : t, changed);
    default:
        break;
    }
    const Type *u = old ? ty_unify(old, t) : t;
    if (u && u != old && (in->op == IR_TUPLE || in->op == IR_DICT || in->op == IR_SET || in->op == IR_CALL || in->op == IR_LOADVAR ||
                              in->op == IR_GETITEM)) {
        ti->vtypes[v] = u;
        *changed = true;
    }
    return 0;
}

/* The type a container holding `held` (an item type with an empty list in it, list(undefined))
 * learns from a list x stored into it (outer.append(inner), outer[i] = inner, d[k] = inner, the
 * inner list typed later): their unification, or NULL when there is nothing to learn. */
static const Type *learned_from(const Type *x, const Type *held) {
    bool container = x->kind == TY_LIST || x->kind == TY_SET || x->kind == TY_DICT;   /* (List() given set(), then s.add(i)) */
    const Type *u = container && held && !ty_is_complete(held) ? ty_unify(x, held) : NULL;
    return u != held ? u : NULL;
}

/* Refine list value `recv` (an argument position of `in`) to hold values of type x. */
static int want_elem(TypeInfo *ti, int recv, const Type *x, bool *changed) {
    const Type *l = ti->vtypes[recv];   /* the list, or its method */
    return ti_refine(ti, recv, ty_list_like(l && l->kind == TY_METHOD ? l->recv : l, x), changed);
}

const Type *ti_list_literal(TypeInfo *ti, Instr *in, const Type **args, int n) {
    const Type *u = NULL;
    bool functions = n > 0;
    for (int i = 0; i < n; i++) functions &= ti_is_function(args[i]);
    if (functions && (u = ti_join_functions(ti, in, args, n)) && u->kind == TY_DISPATCHER)
        return UNSUP(in, "a list cannot hold %s (several functions, chosen from at run time, can be held)", u->name), NULL;
    if (functions) return u ? ty_list(u) : NULL;   /* [g, h]: FunctionType items, or a set a call decides (funcs.c) */
    for (int i = 0; i < n; i++) {
        if (!storable(args[i])) return UNSUP(ti->fn->instrs[in->args[i]], "a list cannot hold %s", args[i]->name), NULL;
        const Type *w = ty_unify(u, args[i]);
        if (!w) return ERR(in, "a list's items must have one type (got %s and %s)", u->name, args[i]->name), NULL;
        u = w;
    }
    return ty_list(u);
}

static int check_key(TypeInfo *ti, Instr *in, const Type *d, const Type *k);

/* ---- items, operators --------------------------------------------------------------- */
static bool is_index(const Type *t) { return ty_is_int(t) || t == ty_bool; }

const Type *ti_list_getitem(TypeInfo *ti, Instr *in, const Type *l, const Type *idx) {
    if (is_index(idx)) return l->elems[0] ? l->elems[0] : NULL;
    if (idx->kind == TY_SLICE) return l;
    return ERR(in, "list indices must be integers or slices, not %s", idx->name), NULL;
}

int ti_list_setitem(TypeInfo *ti, Instr *in, const Type *l, const Type *idx, const Type *val, bool *changed) {
    if (idx->kind == TY_SLICE) {
        if (val->kind != TY_LIST) return UNSUP(in, "a list slice can only be assigned a list (got %s)", val->name);
        if (!l->elems[0]) return ti_refine(ti, in->args[0], val, changed);
        if (val->elems[0] && !converts(val->elems[0], l->elems[0]))
            return ERR(in, "cannot assign %s into a slice of %s", val->name, l->name);
        return 0;
    }
    if (!is_index(idx)) return ERR(in, "list indices must be integers or slices, not %s", idx->name);
    if (!storable(val)) return UNSUP(in, "a list cannot hold %s", val->name);
    if (!l->elems[0]) return want_elem(ti, in->args[0], val, changed);
    const Type *u = learned_from(val, l->elems[0]);
    if (u) return want_elem(ti, in->args[0], u, changed);   /* outer[i] = inner */
    if (!converts(val, l->elems[0])) {
        if (val->kind == TY_LIST && ty_unify(val, l->elems[0])) return ti_refine(ti, in->args[2], l->elems[0], changed);
        return ERR(in, "cannot store %s into %s", val->name, l->name);
    }
    return 0;
}

int ti_list_delitem(TypeInfo *ti, Instr *in, const Type *l, const Type *idx) {
    if (l->kind != TY_LIST) return UNSUP(in, "del on an item of %s is not supported", l->name);
    if (!is_index(idx) && idx->kind != TY_SLICE)
        return ERR(in, "list indices must be integers or slices, not %s", idx->name);
    return 0;
}

/* l + m, l * n, n * l, l += iterable, l *= n. */
const Type *ti_list_binop(TypeInfo *ti, Instr *in, const Type *a, const Type *b, bool *changed) {
    int op = in->imm;
    if (op == IRB_ADD && a->kind == TY_LIST && b->kind == TY_LIST) {
        const Type *u = ty_unify(a, b);
        if (!u) return ERR(in, "cannot concatenate %s and %s", a->name, b->name), NULL;
        if (u != a) ti_refine(ti, in->args[0], u, changed);
        if (u != b) ti_refine(ti, in->args[1], u, changed);
        return u;
    }
    if (op == IRB_ADD && in->imm2 && a->kind == TY_LIST && ti_is_iterable(b)) {   /* += extends */
        const Type *e = ti_iter_value_type(b);
        if (!e) return a;
        if (!a->elems[0]) return want_elem(ti, in->args[0], e, changed), a;
        if (!converts(e, a->elems[0])) return ERR(in, "cannot extend %s with %s", a->name, b->name), NULL;
        return a;
    }
    if (op == IRB_MUL && ((a->kind == TY_LIST && is_index(b)) || (b->kind == TY_LIST && is_index(a))))
        return a->kind == TY_LIST ? a : b;
    return ERR(in, "unsupported operand types for %s: %s and %s", ir_binop_text[op], a->name, b->name), NULL;
}

/* Lists compare as Python compares them: == and != on any element type that compares, the
 * orderings on numbers, strings and tuples (the first difference decides, then the lengths). */
const Type *ti_list_cmp(TypeInfo *ti, Instr *in, const Type *a, const Type *b) {
    if (a->kind == TY_LIST && b->kind == TY_LIST) {
        const Type *x = a->elems[0], *y = b->elems[0];
        bool eq = in->imm == IRC_EQ || in->imm == IRC_NE;
        if (!x || !y || (ty_is_number(x) && ty_is_number(y) && (eq || (x != ty_complex128 && y != ty_complex128))) ||
            (eq && ty_unify(x, y) && x->kind != TY_ARRAY && x->kind != TY_DICT && x->kind != TY_SET))
            return ty_bool;
        if ((x->kind == TY_TUPLE && y->kind == TY_TUPLE && ty_unify(x, y)) || (x == ty_str && y == ty_str)) return ty_bool;
    }
    if (in->imm == IRC_EQ || in->imm == IRC_NE) return ty_bool;   /* a list never equals a non-list */
    return ERR(in, "'%s' is not supported between %s and %s", ir_cmp_text[in->imm], a->name, b->name), NULL;
}

/* x in c: c a list, a dict or one of its views, a set, a range, a tuple of one type, or a number in an
 * array. */
const Type *ti_contains(TypeInfo *ti, Instr *in, const Type *c, const Type *x) {
    if (c->kind == TY_DICT && c->attr && strcmp(c->attr, "keys")) {   /* x in d.values(), (k, v) in d.items() */
        const Type *e = ti_iter_value_type(c);
        if (!e) return ty_bool;
        if (!ty_unify(e, x) && !(ty_is_number(e) && ty_is_number(x)) && !(e->kind == TY_TUPLE && x->kind == TY_TUPLE && x->n == 2))
            return ERR(in, "'in' cannot look for %s in %s", x->name, c->name), NULL;
        if (e->kind == TY_TUPLE && (x->kind != TY_TUPLE || x->n != 2 || check_key(ti, in, c, x->elems[0]) ||
                                    !comparable(e->elems[1], x->elems[1])))
            return ERR(in, "'in' cannot look for %s in %s", x->name, c->name), NULL;
        if (e->kind != TY_TUPLE && !comparable(e, x)) return ERR(in, "'in' cannot look for %s in %s", x->name, c->name), NULL;
        return ty_bool;
    }
    if (c->kind == TY_DICT || c->kind == TY_SET) return check_key(ti, in, c, x) ? NULL : ty_bool;
    if (c->kind == TY_RANGE) {   /* a number equal to one of the range's ints (cg_range_contains) */
        if (!ty_is_number(x)) return ERR(in, "'in' cannot look for %s in %s", x->name, c->name), NULL;
        return ty_bool;
    }
    if (c->kind == TY_ARRAY) {   /* an element equal to x (Numba's: any(a == x)) */
        if (!ty_is_number(x) || ty_dtypes[c->dtype].kind == 'V' || ty_dtypes[c->dtype].kind == 'M' || ty_dtypes[c->dtype].kind == 'm' ||
            ty_dtypes[c->dtype].kind == 'U' || ty_dtypes[c->dtype].kind == 'S')
            return ERR(in, "'in' cannot look for %s in %s", x->name, c->name), NULL;
        return ty_bool;
    }
    const Type *e = c->kind == TY_LIST ? c->elems[0] : ty_is_uniform_tuple(c) || (c->kind == TY_TUPLE && !c->n) ? (c->n ? c->elems[0] : NULL) : NULL;
    if (c->kind != TY_LIST && c->kind != TY_TUPLE) return UNSUP(in, "'in' on %s is not supported", c->name), NULL;
    if (c->kind == TY_TUPLE && c->n && !e) return UNSUP(in, "'in' on the heterogeneous %s is not supported", c->name), NULL;
    if (e && !((ty_is_number(e) && ty_is_number(x)) || (e->kind == TY_TUPLE && x->kind == TY_TUPLE) ||
               (e->kind == TY_LIST && x->kind == TY_LIST) || (e == ty_str && x == ty_str) ||
               (e->kind == TY_ENUM && x->kind == TY_ENUM)))
        return ERR(in, "'in' cannot look for %s in %s", x->name, c->name), NULL;
    return ty_bool;
}

/* ---- methods ----------------------------------------------------------------------- */
static const char *const list_methods[] = {"append", "extend", "insert", "pop", "remove", "clear", "index",
                                           "count", "copy", "reverse", "sort", NULL};

const Type *ti_list_getattr(TypeInfo *ti, Instr *in, const Type *l) {
    for (int i = 0; list_methods[i]; i++)
        if (!strcmp(in->str, list_methods[i])) return ty_method(l, in->str);
    return UNSUP(in, "list has no supported attribute '%s'", in->str), NULL;
}

CallInfo *ti_container_call(TypeInfo *ti, Instr *in, int op, int nparams, const Type *ret) {
    CallInfo *ci = ti_new_call(ti, in, CALL_BUILTIN, nparams);
    if (!ci) return NULL;
    ci->builtin = op;
    ci->ret = ret;
    for (int i = 0; i < nparams && i + 1 < in->nargs; i++) ci->params[i] = ti->vtypes[in->args[i + 1]];
    return ci;
}

/* ---- sort(key=f) and sorted(key=f) --------------------------------------------------- */
/* The type of a sort's key= argument; NULL when there is none or it is None (the items are the
 * keys). */
static const Type *sort_key_arg(Instr *in, const Type **args, int npos) {
    for (int j = 0; j < in->nkw; j++)
        if (!strcmp(in->kwnames[j], "key")) return args[npos + j] == ty_none ? NULL : args[npos + j];
    return NULL;
}

/* Type the key function's call on an item of type e into ci->key: its result must be ordered by
 * `<`. The lowering sorts (key, position) pairs, so equal keys keep their order as in Python. A key
 * whose closure is not typed yet waits for the next round (the call is dropped until then). */
static int type_sort_key(TypeInfo *ti, Instr *in, CallInfo *ci, const Type *f, const Type *e, const char *name) {
    bool again = false;
    CallInfo *k = e ? ti_type_value_call(ti, in, f, &e, 1, &again) : NULL;
    if (!k) {
        ti->calls[in->id] = NULL;
        return e && !again ? -1 : 0;
    }
    if (k->ret == ty_complex128) return ERR(in, "'<' is not supported between complex128 and complex128");
    if (!orderable(k->ret)) return UNSUP(in, "%s(key=...) of a key function returning %s is not supported (numbers, "
                                             "strings and tuples of them are)", name, k->ret->name);
    ci->key = k;
    return 0;
}

int ti_type_list_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs, bool *changed) {
    const Type *l = m->recv, *e = l->elems[0];
    const char *name = m->attr;
    int recv = in->args[0], npos = nargs - in->nkw;
    int op = LIST_OPS;
    for (int i = 0; list_methods[i]; i++)
        if (!strcmp(name, list_methods[i])) op = LM_APPEND + i;
    static const signed char lo[] = {1, 1, 2, 0, 1, 0, 1, 1, 0, 0, 0}, hi[] = {1, 1, 2, 1, 1, 0, 3, 1, 0, 0, 0};
    int k = op - LM_APPEND;
    if (in->nkw && op != LM_SORT) return ERR(in, "%s() takes no keyword arguments", name);
    if (npos < lo[k] || npos > hi[k])
        return ERR(in, "list.%s() takes %d to %d arguments (%d given)", name, lo[k], hi[k], npos);
    CallInfo *ci;
    switch (op) {
    case LM_APPEND: case LM_INSERT: {
        const Type *x = args[npos - 1];
        if (op == LM_INSERT && !is_index(args[0])) return ERR(in, "list.insert() index must be an integer");
        if (!storable(x)) return UNSUP(in, "a list cannot hold %s", x->name);
        if (!e) return want_elem(ti, recv, x, changed);
        const Type *u = learned_from(x, e);
        if (u) return want_elem(ti, recv, u, changed);   /* outer.append(inner) */
        if (!converts(x, e)) {
            if (x->kind == TY_LIST && ty_unify(x, e)) return ti_refine(ti, in->args[npos], e, changed);
            int widened = ti_widen_list(ti, recv, e, x, changed);
            if (widened) return widened < 0 ? -1 : 0;
            return ERR(in, "cannot %s %s to %s", name, x->name, l->name);
        }
        if (!(ci = ti_container_call(ti, in, op, npos, ty_none))) return -1;
        if (op == LM_INSERT) ci->params[0] = ty_int64;
        ci->params[npos - 1] = e;
        return 0;
    }
    case LM_EXTEND: {
        if (!ti_is_iterable(args[0]) && args[0]->kind != TY_LIST)
            return UNSUP(in, "list.extend() of %s is not supported", args[0]->name);
        const Type *x = ti_iter_value_type(args[0]);
        if (!x) return 0;   /* extending with an empty list of no type yet */
        if (!e) return want_elem(ti, recv, x, changed);
        if (!converts(x, e)) return ERR(in, "cannot extend %s with %s", l->name, args[0]->name);
        if (!(ci = ti_container_call(ti, in, op, 1, ty_none))) return -1;
        return 0;
    }
    case LM_POP:
        if (npos && !is_index(args[0])) return ERR(in, "list.pop() index must be an integer");
        if (!e) return 0;
        if (!(ci = ti_container_call(ti, in, op, npos, e))) return -1;
        if (npos) ci->params[0] = ty_int64;
        return 0;
    case LM_REMOVE: case LM_INDEX: case LM_COUNT: {
        if (!e) return 0;
        const Type *x = args[0];
        if (!comparable(x, e))
            return ERR(in, "list.%s() cannot look for %s in %s", name, x->name, l->name);
        for (int i = 1; i < npos; i++)
            if (!is_index(args[i])) return ERR(in, "list.index() bounds must be integers");
        if (!(ci = ti_container_call(ti, in, op, npos, op == LM_REMOVE ? ty_none : ty_int64))) return -1;
        for (int i = 1; i < npos; i++) ci->params[i] = ty_int64;
        return 0;
    }
    case LM_CLEAR: case LM_REVERSE:
        return ti_container_call(ti, in, op, 0, ty_none) ? 0 : -1;
    case LM_COPY:
        return ti_container_call(ti, in, op, 0, l) ? 0 : -1;
    case LM_SORT: {
        const Type *key = sort_key_arg(in, args, npos);
        if (e && !key && e == ty_complex128) return ERR(in, "'<' is not supported between complex128 and complex128");
        if (e && !key && !orderable(e)) return UNSUP(in, "sort() of %s is not supported", l->name);
        if (!(ci = ti_container_call(ti, in, op, 1, ty_none))) return -1;
        ci->params[0] = ty_bool;
        ci->argmap[0] = -1;
        ci->defaults[0] = Py_False;
        for (int j = 0; j < in->nkw; j++) {
            if (!strcmp(in->kwnames[j], "key")) continue;
            if (strcmp(in->kwnames[j], "reverse"))
                return UNSUP(in, "sort(%s=...) is not supported (key= and reverse= are)", in->kwnames[j]);
            if (!ty_is_number(args[npos + j]) || args[npos + j] == ty_complex128)
                return ERR(in, "sort()'s reverse must be a bool");
            ci->argmap[0] = 1 + npos + j;
        }
        return key ? type_sort_key(ti, in, ci, key, e, "sort") : 0;
    }
    }
    return UNSUP(in, "list.%s() is not supported", name);
}

/* ---- builtins over iterables -------------------------------------------------------- */
/* Whether call `bid`(args) is one of ours: len of a list, and sum, min, max (one argument),
 * any, all, sorted, list and reversed of any iterable. */
bool ti_is_container_builtin(int bid, const Type **args, int nargs, int nkw) {
    switch (bid) {
    case BI_LEN: return nargs == 1 && ty_is_heap(args[0]) && args[0]->kind != TY_CLASS;
    case BI_DICT: case BI_SET: case BI_NP_ASARRAY: case BI_TYPED_LIST: case BI_TYPED_DICT: return true;
    case BI_NP_ARRAY: return (nargs == 1 || nargs == 2) && args[0]->kind == TY_LIST;   /* (with a dtype) */
    case BI_MIN: case BI_MAX:   /* of one iterable (key=, default=); of several numbers: calls.c */
        return nargs - nkw == 1 && args[0]->kind != TY_TUPLE && (ti_is_iterable(args[0]) || args[0]->kind == TY_LIST);
    case BI_SUM: case BI_ANY: case BI_ALL: case BI_SORTED: case BI_LIST: case BI_REVERSED: return true;
    default: return false;
    }
}

/* dict(), dict(mapping or iterable of pairs), dict(**kw) with str keys, or both as Python allows:
 * the pairs first, then the keywords; `typed`: ember.typed.Dict(...) alike. Lowering:
 * cg_dict_call (LB_DICT with parameters). */
int ti_type_dict_call(TypeInfo *ti, Instr *in, const Type **args, int npos, bool typed) {
    int nargs = npos + in->nkw;
    if (npos > 1) return ERR(in, "dict expected at most 1 argument, got %d", npos);
    const Type *(*make)(const Type *, const Type *) = typed ? ty_typed_dict : ty_dict;
    if (nargs == 0) return ti_container_call(ti, in, LB_DICT, 0, make(NULL, NULL)) ? 0 : -1;
    const Type *k = NULL, *v = NULL;
    if (npos) {
        const Type *a = args[0], *e;
        if (a->kind == TY_DICT) {
            if (!a->elems[0] || !a->elems[1]) return 0;   /* `{}` of no type yet */
            k = a->elems[0];
            v = a->elems[1];
        } else if (ti_is_iterable(a) || a->kind == TY_LIST) {
            if (!(e = ti_iter_value_type(a))) return 0;
            if (e->kind != TY_TUPLE || e->n != 2)
                return ERR(in, "dict() of %s: each item must be a (key, value) pair (got %s)", a->name, e->name);
            k = e->elems[0];
            v = e->elems[1];
        } else {
            return UNSUP(in, "dict() of %s is not supported (a dict or an iterable of (key, value) pairs is)", a->name);
        }
    }
    if (in->nkw) {
        if (k && k != ty_str) return ERR(in, "dict() with keyword arguments needs str keys (got %s)", k->name);
        k = ty_str;
    }
    for (int j = 0; j < in->nkw; j++) {
        const Type *u = ty_unify(v, args[npos + j]);
        if (!u) return ERR(in, "dict(): the value of %s (%s) does not have the type of the others (%s)", in->kwnames[j],
                           args[npos + j]->name, v->name);
        v = u;
    }
    if (!ty_is_hashable(k)) return UNSUP(in, "a dict key must be a number, a str or a tuple of these (got %s)", k->name);
    if (!storable(v)) return UNSUP(in, "a dict cannot hold %s", v->name);
    return ti_container_call(ti, in, LB_DICT, nargs, make(k, v)) ? 0 : -1;
}

/* A tuple of real numbers: ordered by `<` and held by value. */
static bool real_tuple(const Type *t) {
    if (t->kind != TY_TUPLE || !t->n) return false;
    for (int i = 0; i < t->n; i++)
        if (!ty_is_number(t->elems[i]) || t->elems[i] == ty_complex128) return false;
    return true;
}

/* min(iterable) and max(iterable), with key= (a function whose results are real numbers or
 * tuples of them) and default= (returned for an empty iterable; of the items' type). The items are
 * numbers, tuples of real numbers, or strings a container holds. Lowering: codegen/lower_list.c. */
static int type_min_max(TypeInfo *ti, Instr *in, int bid, const Type **args, int npos, const Type *e) {
    const char *name = ti_builtins[bid].name;
    const Type *key = sort_key_arg(in, args, npos);
    int dflt = -1;
    for (int j = 0; j < in->nkw; j++) {
        if (!strcmp(in->kwnames[j], "default")) dflt = j;
        else if (strcmp(in->kwnames[j], "key")) return ERR(in, "%s() got an unexpected keyword argument '%s'", name, in->kwnames[j]);
    }
    bool held = args[0]->kind == TY_LIST || args[0]->kind == TY_SET || args[0]->kind == TY_DICT;   /* (items borrowed) */
    bool item_ok = (ty_is_number(e) && (key || e != ty_complex128)) || real_tuple(e) || (e == ty_str && args[0] != ty_str) ||
                   (e->kind == TY_TUPLE && held && orderable(e));   /* max of [(score, name), ...] */
    if (!item_ok) return UNSUP(in, "%s() of %s is not supported", name, args[0]->name);
    CallInfo *ci = ti_container_call(ti, in, bid == BI_MIN ? LB_MIN : LB_MAX, dflt >= 0 ? 2 : 1, e);
    if (!ci) return -1;
    if (dflt >= 0) {
        const Type *d = args[npos + dflt];
        if (!converts(d, e)) return UNSUP(in, "%s(default=...) must have the items' type %s (got %s)", name, e->name, d->name);
        ci->argmap[1] = 1 + npos + dflt;
        ci->params[1] = e;
    }
    if (!key) return 0;
    if (type_sort_key(ti, in, ci, key, e, name)) return -1;
    if (ci->key && !(ty_is_number(ci->key->ret) || real_tuple(ci->key->ret)))
        return UNSUP(in, "%s(key=...) of a key function returning %s is not supported (real numbers and tuples "
                         "of them are)", name, ci->key->ret->name);
    return 0;
}

int ti_type_container_builtin(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs) {
    const char *name = ti_builtins[bid].name;
    int npos = nargs - in->nkw;
    if (bid == BI_TYPED_LIST || bid == BI_TYPED_DICT) return ti_type_typed_call(ti, in, bid, NULL, args, nargs);
    if (bid == BI_DICT) return ti_type_dict_call(ti, in, args, npos, false);
    if (bid == BI_NP_ASARRAY && (npos == 2 || (npos == 1 && in->nkw == 1 && !strcmp(in->kwnames[0], "dtype")))) {
        int dt = args[1] == ty_str ? ti_dtype_of_name(ti_const_str(ti, in->args[2])) : ti_dtype_arg(args[1]);
        /* np.asarray(a, dtype): a itself when it has that dtype, else as np.array */
        if (args[0]->kind == TY_ARRAY && dt == args[0]->dtype) return ti_container_call(ti, in, LB_SAME, 1, args[0]) ? 0 : -1;
        if (args[0]->kind != TY_LIST) return ti_type_numpy_call(ti, in, BI_NP_ARRAY, args, nargs, false);
    }
    int want = -1;   /* np.array(l, dtype) of a list: that dtype */
    if ((bid == BI_NP_ARRAY || bid == BI_NP_ASARRAY) && (npos == 2 || (npos == 1 && in->nkw == 1 && !strcmp(in->kwnames[0], "dtype")))) {
        if (args[1]->kind != TY_NONE) {   /* (dtype=None: the items' own, cogent3's coord_conversion_coeffs) */
            want = args[1] == ty_str ? ti_dtype_of_name(ti_const_str(ti, in->args[2])) : ti_dtype_arg(args[1]);
            if (want < 0) return ERR(in, "np.%s(): dtype must be a NumPy type such as np.float64 (got %s)", name, args[1]->name);
        }
        npos = 1;
    } else if (in->nkw && bid != BI_SORTED && bid != BI_MIN && bid != BI_MAX) {
        return ERR(in, "%s() takes no keyword arguments", name);
    }
    if (bid == BI_LIST && npos == 0) return ti_container_call(ti, in, LB_LIST, 0, ty_list(NULL)) ? 0 : -1;
    if (bid == BI_NP_ASARRAY && npos == 1 && args[0]->kind != TY_LIST) {
        if (args[0]->kind == TY_ARRAY) return ti_container_call(ti, in, LB_SAME, 1, args[0]) ? 0 : -1;
        return ti_type_numpy_call(ti, in, BI_NP_ARRAY, args, nargs, false);   /* as np.array: a new array */
    }
    if (bid == BI_NP_ARRAY || bid == BI_NP_ASARRAY) {   /* of a list of numbers, or of lists of numbers */
        if (npos != 1) return UNSUP(in, "np.%s() of a list takes the list and a dtype", name);
        const Type *e = args[0]->elems[0], *s = e && e->kind == TY_LIST ? e->elems[0] : e;
        bool tuple_rows = e && e->kind == TY_TUPLE && e->n > 0;   /* a list of (x, y) tuples: rows, as NumPy */
        for (int k = 0; tuple_rows && k < e->n; k++) {
            s = k ? ty_unify(s, e->elems[k]) : e->elems[0];
            tuple_rows = s && ty_is_number(s) && ty_is_number(e->elems[k]);
        }
        if (e && e->kind == TY_TUPLE && !tuple_rows) s = e;
        int dt = ty_dtype_of_scalar(s);
        if (!e) return 0;
        if (dt >= 0) dt = ti_literal_dtype(ti, in->args[1], dt);   /* np.array([a[0], a[1]]) keeps a's dtype */
        if (dt == LITERAL_WAITS) return 0;
        const Type *sized = e->kind == TY_LIST ? e->narrow[0] : args[0]->narrow[0];
        if (dt >= 0 && sized) dt = sized->dtype;   /* a ListType[float32]: a float32 array, as Numba */
        if (dt >= 0 && want >= 0) {
            if (ty_dtypes[dt].kind == 'c' && ty_dtypes[want].kind != 'c')
                return ERR(in, "np.%s(): cannot convert complex numbers to %s", name, ty_dtypes[want].name);
            dt = want;
        }
        if (dt < 0) return UNSUP(in, "np.%s() of %s is not supported (lists of numbers, of lists of numbers or of "
                                 "tuples of numbers are)", name, args[0]->name);
        return ti_container_call(ti, in, LB_NP_ARRAY, 1, ty_array(dt, e->kind == TY_LIST || tuple_rows ? 2 : 1, 'C', false))
                   ? 0 : -1;
    }
    if (bid == BI_SET && npos == 0) return ti_container_call(ti, in, LB_SET, 0, ty_set(NULL)) ? 0 : -1;
    if (npos < 1 || npos > (bid == BI_SUM ? 2 : 1)) return ERR(in, "%s() takes %d argument%s (%d given)", name,
                                                                bid == BI_SUM ? 2 : 1, bid == BI_SUM ? "s" : "", npos);
    if (!ti_is_iterable(args[0])) return UNSUP(in, "%s() of %s is not supported", name, args[0]->name);
    const Type *e = ti_iter_value_type(args[0]);
    if (!e) return 0;   /* an empty list of no type yet */
    CallInfo *ci;
    switch (bid) {
    case BI_LEN:
        return ti_container_call(ti, in, LB_LEN, 1, ty_int64) ? 0 : -1;
    case BI_SUM: {
        if (!ty_is_number(e)) return UNSUP(in, "sum() of %s is not supported", args[0]->name);
        const Type *r = npos == 2 ? ty_unify(e, args[1]) : e;
        if (!r || !ty_is_number(r)) return ERR(in, "sum() cannot add %s to %s", e->name, args[1]->name);
        if (r == ty_bool) r = ty_int64;
        if (!(ci = ti_container_call(ti, in, LB_SUM, npos, r))) return -1;
        if (npos == 2) ci->params[1] = r;
        return 0;
    }
    case BI_MIN: case BI_MAX:   /* (of strings held by a container: the result is one of its items, borrowed) */
        return type_min_max(ti, in, bid, args, npos, e);
    case BI_ANY: case BI_ALL:
        if (!ty_is_number(e)) return UNSUP(in, "%s() of %s is not supported", name, args[0]->name);
        return ti_container_call(ti, in, bid == BI_ANY ? LB_ANY : LB_ALL, 1, ty_bool) ? 0 : -1;
    case BI_SET:
        if (!ty_is_hashable(e)) return UNSUP(in, "a set item must be a number, a str or a tuple of these (got %s)", e->name);
        return ti_container_call(ti, in, LB_SET, 1, ty_set(e)) ? 0 : -1;
    case BI_LIST: case BI_REVERSED:
        if (!storable(e)) return UNSUP(in, "a list cannot hold %s", e->name);
        return ti_container_call(ti, in, bid == BI_LIST ? LB_LIST : LB_REVERSED, 1, ty_list(e)) ? 0 : -1;
    case BI_SORTED: {
        const Type *key = sort_key_arg(in, args, npos);
        if (!key && e == ty_complex128) return ERR(in, "'<' is not supported between complex128 and complex128");
        if (!key && !orderable(e)) return UNSUP(in, "sorted() of %s is not supported", args[0]->name);
        if (!storable(e)) return UNSUP(in, "a list cannot hold %s", e->name);
        if (!(ci = ti_container_call(ti, in, LB_SORTED, 2, ty_list(e)))) return -1;
        ci->params[1] = ty_bool;
        ci->argmap[1] = -1;
        ci->defaults[1] = Py_False;
        for (int j = 0; j < in->nkw; j++) {
            if (!strcmp(in->kwnames[j], "key")) continue;
            if (strcmp(in->kwnames[j], "reverse"))
                return UNSUP(in, "sorted(%s=...) is not supported (key= and reverse= are)", in->kwnames[j]);
            ci->argmap[1] = 2 + j;
        }
        return key ? type_sort_key(ti, in, ci, key, e, "sorted") : 0;
    }
    }
    return UNSUP(in, "%s() is not supported", name);
}

/* ---- the last step ------------------------------------------------------------------ */
const Type *ti_complete(const Type *t) {
    if (!t || ty_is_complete(t)) return t;
    if (t->kind == TY_LIST) return ty_list_like(t, t->elems[0] ? ti_complete(t->elems[0]) : ty_int64);
    if (t->kind == TY_SET) return ty_set(t->elems[0] ? ti_complete(t->elems[0]) : ty_int64);
    if (t->kind == TY_DICT)
        return ty_dict_like(t, t->elems[0] ? ti_complete(t->elems[0]) : ty_int64, t->elems[1] ? ti_complete(t->elems[1]) : ty_int64);
    if (t->kind == TY_TUPLE) {
        const Type *e[64];
        for (int i = 0; i < t->n && i < 64; i++) e[i] = ti_complete(t->elems[i]);
        return ty_tuple(t->n, e);
    }
    if (t->kind == TY_METHOD) return ty_method(ti_complete(t->recv), t->attr);
    if (t->kind == TY_ITER) return ty_iter(ti_complete(t->iter_of));
    return t;
}

/* Lists that never got an element: list(int64), so that lowering sees only complete types. */
void ti_complete_types(TypeInfo *ti) {
    for (int v = 0; v < ti->fn->ninstrs; v++) ti->vtypes[v] = ti_complete(ti->vtypes[v]);
    for (int v = 0; v < ti->fn->nvars; v++) ti->vartypes[v] = ti_complete(ti->vartypes[v]);
    ti->ret = ti_complete(ti->ret);
    for (int v = 0; v < ti->fn->ninstrs; v++) {
        CallInfo *ci = ti->calls[v];
        if (!ci) continue;
        ci->ret = ti_complete(ci->ret);
        for (int i = 0; ci->params && i < ci->nparams; i++) ci->params[i] = ti_complete(ci->params[i]);   /* (strings.c: -1) */
    }
    for (int v = 0; v < ti->fn->ninstrs; v++) {   /* `dict()`, `List()`: make what the value was refined to */
        CallInfo *ci = ti->calls[v];
        if (ci && ci->kind == CALL_BUILTIN && (ci->builtin == LB_LIST || ci->builtin == LB_DICT || ci->builtin == LB_SET) &&
            ci->ret && ti->vtypes[v] && ti->vtypes[v]->kind == ci->ret->kind)
            ci->ret = ti->vtypes[v];
    }
}

/* ---- dicts ---------------------------------------------------------------------------
 * dict(key, value), invariant in both as lists are; `{}` and dict() are dict(undefined,
 * undefined) until the first `d[k] = v`, setdefault or update gives the types (ti_refine).
 * Keys: bool, int64, uint64, float64, str and tuples of them; values: anything a list holds. */
static int want_dict(TypeInfo *ti, int recv, const Type *d, const Type *k, const Type *v, bool *changed) {
    const Type *held = learned_from(v, d->elems[1]);   /* d[k] = inner */
    if (!held) held = d->elems[1] ? d->elems[1] : v;
    return ti_refine(ti, recv, ty_dict_like(d, d->elems[0] ? d->elems[0] : k, held), changed);
}

static int check_key(TypeInfo *ti, Instr *in, const Type *d, const Type *k) {
    if (!ty_is_hashable(k)) return UNSUP(in, "a dict key must be a number, a str or a tuple of these (got %s)", k->name);
    if (d->elems[0] && !converts(k, d->elems[0]) && !(ty_is_number(k) && ty_is_number(d->elems[0])))
        return ERR(in, "%s cannot be a key of %s", k->name, d->name);
    return 0;
}

static int check_value(TypeInfo *ti, Instr *in, const Type *d, const Type *v, int vid, bool *changed) {
    if (!storable(v)) return UNSUP(in, "a dict cannot hold %s", v->name);
    if (d->elems[1] && !converts(v, d->elems[1])) {
        if (v->kind == TY_LIST && ty_unify(v, d->elems[1])) return ti_refine(ti, vid, d->elems[1], changed), 1;
        return ERR(in, "cannot store %s into %s", v->name, d->name);
    }
    return 0;
}

const Type *ti_dict_literal(TypeInfo *ti, Instr *in, const Type **args, int n) {
    const Type *k = NULL, *v = NULL;
    for (int i = 0; i < n; i += 2) {
        if (!ty_is_hashable(args[i]))
            return UNSUP(ti->fn->instrs[in->args[i]], "a dict key must be a number, a str or a tuple of these (got %s)",
                         args[i]->name), NULL;
        if (!storable(args[i + 1])) return UNSUP(ti->fn->instrs[in->args[i + 1]], "a dict cannot hold %s", args[i + 1]->name), NULL;
        const Type *uk = ty_unify(k, args[i]), *uv = ty_unify(v, args[i + 1]);
        if (!uk || !uv) return ERR(in, "a dict's keys and values must each have one type"), NULL;
        k = uk;
        v = uv;
    }
    return ty_dict(k, v);
}

/* d[k] = v, and a comprehension's MAP_ADD */
int ti_dict_setitem(TypeInfo *ti, Instr *in, const Type *d, const Type *k, const Type *v, bool *changed) {
    if (d->attr) return ERR(in, "'dict_%s' object does not support item assignment", d->attr);
    if (check_key(ti, in, d, k)) return -1;
    if (!d->elems[0] || !d->elems[1] || learned_from(v, d->elems[1]))   /* d[k] = inner, inner filled later */
        return want_dict(ti, in->args[0], d, k, v, changed);
    int r = check_value(ti, in, d, v, in->args[2], changed);
    return r < 0 ? -1 : 0;
}

const Type *ti_dict_getitem(TypeInfo *ti, Instr *in, const Type *d, const Type *k) {
    if (d->attr) return ERR(in, "'dict_%s' object is not subscriptable", d->attr), NULL;
    if (check_key(ti, in, d, k)) return NULL;
    return d->elems[1];
}

static const char *const dict_methods[] = {"get", "setdefault", "pop", "popitem", "update", "items", "keys", "values",
                                           "clear", "copy", NULL};

const Type *ti_dict_getattr(TypeInfo *ti, Instr *in, const Type *d) {
    if (d->attr) return UNSUP(in, "'dict_%s' has no supported attribute '%s'", d->attr, in->str), NULL;
    for (int i = 0; dict_methods[i]; i++)
        if (!strcmp(in->str, dict_methods[i])) return ty_method(d, in->str);
    return UNSUP(in, "dict has no supported attribute '%s'", in->str), NULL;
}

int ti_type_dict_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs, bool *changed) {
    const Type *d = m->recv, *kt = d->elems[0], *vt = d->elems[1];
    const char *name = m->attr;
    int recv = in->args[0], op = -1;
    for (int i = 0; dict_methods[i]; i++)
        if (!strcmp(name, dict_methods[i])) op = DM_GET + i;
    static const signed char lo[] = {1, 2, 1, 0, 1, 0, 0, 0, 0, 0}, hi[] = {2, 2, 2, 0, 1, 0, 0, 0, 0, 0};
    int k = op - DM_GET;
    if (in->nkw) return ERR(in, "%s() takes no keyword arguments", name);
    if (nargs < lo[k] || nargs > hi[k]) return ERR(in, "dict.%s() takes %d to %d arguments (%d given)", name, lo[k], hi[k], nargs);
    CallInfo *ci;
    switch (op) {
    case DM_SETDEFAULT:
        if (check_key(ti, in, d, args[0])) return -1;
        if (!kt || !vt) return want_dict(ti, recv, d, args[0], args[1], changed);
        if (check_value(ti, in, d, args[1], in->args[2], changed)) return *changed ? 0 : -1;
        if (!(ci = ti_container_call(ti, in, op, 2, vt))) return -1;
        ci->params[0] = kt;
        ci->params[1] = vt;
        return 0;
    case DM_GET: case DM_POP:
        if (check_key(ti, in, d, args[0])) return -1;
        if ((!kt || !vt) && nargs == 2 && storable(args[1])) return want_dict(ti, recv, d, args[0], args[1], changed);
        if (!kt || !vt) return 0;
        if (op == DM_GET && nargs == 1) {   /* the value or None: OptionalType(value) */
            const Type *o = ty_optional(vt);
            if (!o) return UNSUP(in, "d.get(k) without a default of a dict of %s is not supported (it may be None); "
                                     "write d.get(k, default)", vt->name);
            if (!(ci = ti_container_call(ti, in, op, 1, o))) return -1;
            ci->params[0] = kt;
            return 0;
        }
        if (nargs == 2 && !converts(args[1], vt)) return ERR(in, "dict.%s()'s default must be %s (got %s)", name, vt->name, args[1]->name);
        if (!(ci = ti_container_call(ti, in, op, nargs, vt))) return -1;
        ci->params[0] = kt;
        if (nargs == 2) ci->params[1] = vt;
        return 0;
    case DM_POPITEM: {
        if (!kt || !vt) return 0;
        const Type *pair[2] = {kt, vt};
        return ti_container_call(ti, in, op, 0, ty_tuple(2, pair)) ? 0 : -1;
    }
    case DM_UPDATE:
        if (args[0]->kind != TY_DICT) return UNSUP(in, "dict.update() of %s is not supported (a dict is)", args[0]->name);
        if (!args[0]->elems[0]) return 0;
        if (!kt || !vt) return want_dict(ti, recv, d, args[0]->elems[0], args[0]->elems[1], changed);
        if (ty_unify(d, args[0]) != d) return ERR(in, "cannot update %s with %s", d->name, args[0]->name);
        return ti_container_call(ti, in, op, 1, ty_none) ? 0 : -1;
    case DM_ITEMS: case DM_KEYS: case DM_VALUES: {
        if (!kt || !vt) return 0;
        return ti_container_call(ti, in, op, 0, ty_dict_view(d, name)) ? 0 : -1;
    }
    case DM_CLEAR:
        return ti_container_call(ti, in, op, 0, ty_none) ? 0 : -1;
    case DM_COPY:
        return ti_container_call(ti, in, op, 0, d) ? 0 : -1;
    }
    return UNSUP(in, "dict.%s() is not supported", name);
}

/* ---- sets ----------------------------------------------------------------------------
 * set(key), laid out as a dict of key -> None; `set()` and an empty comprehension are
 * set(undefined) until an add or update gives the key type. */
const Type *ti_set_literal(TypeInfo *ti, Instr *in, const Type **args, int n) {
    const Type *k = NULL;
    for (int i = 0; i < n; i++) {
        if (!ty_is_hashable(args[i]))
            return UNSUP(ti->fn->instrs[in->args[i]], "a set item must be a number, a str or a tuple of these (got %s)",
                         args[i]->name), NULL;
        if (!(k = ty_unify(k, args[i]))) return ERR(in, "a set's items must have one type"), NULL;
    }
    return ty_set(k);
}

/* s.add(x), and a comprehension's SET_ADD */
int ti_set_add(TypeInfo *ti, Instr *in, int recv, const Type *s, const Type *x, bool *changed) {
    if (!ty_is_hashable(x)) return UNSUP(in, "a set item must be a number, a str or a tuple of these (got %s)", x->name);
    if (!s->elems[0]) return ti_refine(ti, recv, ty_set(x), changed);
    if (!converts(x, s->elems[0])) return ERR(in, "cannot add %s to %s", x->name, s->name);
    return 0;
}

static const char *const set_methods[] = {"add", "discard", "remove", "pop", "clear", "update", "union",
                                          "intersection", "difference", "symmetric_difference", "copy", "issubset",
                                          "issuperset", "isdisjoint", "difference_update", "intersection_update",
                                          "symmetric_difference_update", NULL};

const Type *ti_set_getattr(TypeInfo *ti, Instr *in, const Type *s) {
    for (int i = 0; set_methods[i]; i++)
        if (!strcmp(in->str, set_methods[i])) return ty_method(s, in->str);
    return UNSUP(in, "set has no supported attribute '%s'", in->str), NULL;
}

/* Sets a and b (values va and vb) where one has no item type yet: each made the other's. */
static void refine_sets(TypeInfo *ti, int va, const Type *a, int vb, const Type *b, bool *changed) {
    const Type *u = ty_unify(a, b);
    if (u && u != a) ti_refine(ti, va, u, changed);
    if (u && u != b) ti_refine(ti, vb, u, changed);
}

/* The other operand x (value v) of s.union(x) ... s.symmetric_difference_update(x): a set of s's
 * type, or any iterable whose items convert to s's items (lowering makes a set of them where
 * CPython does). 1: typed; 0: not yet (a set of no item type); -1: an error. */
static int set_operand(TypeInfo *ti, Instr *in, const Type *m, int v, const Type *x, bool *changed) {
    const Type *s = m->recv, *k = s->elems[0];
    if (x->kind == TY_SET && (!k || !x->elems[0])) return refine_sets(ti, in->args[0], s, v, x, changed), 0;
    if (x->kind == TY_SET) return x == s ? 1 : (ERR(in, "set.%s() of %s and %s", m->attr, s->name, x->name), -1);
    if (!ti_is_iterable(x)) return UNSUP(in, "set.%s() of %s is not supported (a set or an iterable is)", m->attr, x->name), -1;
    const Type *e = ti_iter_value_type(x);
    if (!e) return 0;
    if (!k) return ti_set_add(ti, in, in->args[0], s, e, changed) ? -1 : 0;
    if (!ty_is_hashable(e) || !converts(e, k)) return ERR(in, "set.%s() of %s and %s", m->attr, s->name, x->name), -1;
    return 1;
}

int ti_type_set_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs, bool *changed) {
    const Type *s = m->recv, *k = s->elems[0];
    int op = -1, recv = in->args[0];
    for (int i = 0; set_methods[i]; i++)
        if (!strcmp(m->attr, set_methods[i])) op = SM_ADD + i;
    static const signed char want[] = {1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1};
    if (in->nkw) return ERR(in, "%s() takes no keyword arguments", m->attr);
    if (nargs != want[op - SM_ADD]) return ERR(in, "set.%s() takes %d arguments (%d given)", m->attr, want[op - SM_ADD], nargs);
    CallInfo *ci;
    switch (op) {
    case SM_ADD:
        if (!k || ti_set_add(ti, in, recv, s, args[0], changed)) return k ? -1 : ti_set_add(ti, in, recv, s, args[0], changed);
        if (!(ci = ti_container_call(ti, in, op, 1, ty_none))) return -1;
        ci->params[0] = k;
        return 0;
    case SM_DISCARD: case SM_REMOVE:
        if (!k) return 0;
        if (!ty_is_hashable(args[0]) || !converts(args[0], k)) return ERR(in, "set.%s() of %s from %s", m->attr, args[0]->name, s->name);
        if (!(ci = ti_container_call(ti, in, op, 1, ty_none))) return -1;
        ci->params[0] = k;
        return 0;
    case SM_POP:
        return !k ? 0 : ti_container_call(ti, in, op, 0, k) ? 0 : -1;
    case SM_CLEAR:
        return ti_container_call(ti, in, op, 0, ty_none) ? 0 : -1;
    case SM_COPY:
        return ti_container_call(ti, in, op, 0, s) ? 0 : -1;
    case SM_UPDATE: {
        if (!ti_is_iterable(args[0])) return UNSUP(in, "set.update() of %s is not supported", args[0]->name);
        const Type *x = ti_iter_value_type(args[0]);
        if (!x) return 0;
        if (!k) return ti_set_add(ti, in, recv, s, x, changed);
        if (!converts(x, k)) return ERR(in, "cannot update %s with %s", s->name, args[0]->name);
        return ti_container_call(ti, in, op, 1, ty_none) ? 0 : -1;
    }
    default: {   /* union ... symmetric_difference give a set, issubset ... isdisjoint a bool, the updates None */
        int typed = set_operand(ti, in, m, in->args[1], args[0], changed);
        if (typed <= 0) return typed;
        const Type *ret = op <= SM_SYMMETRIC_DIFFERENCE ? s : op <= SM_ISDISJOINT ? ty_bool : ty_none;
        return ti_container_call(ti, in, op, 1, ret) ? 0 : -1;
    }
    }
}

/* a | b, a & b, a - b, a ^ b (and in place) of two sets of one type, or keys/items views as the
 * sets of their items (the result is a new set) */
const Type *ti_set_binop(TypeInfo *ti, Instr *in, const Type *a, const Type *b, bool *changed) {
    int op = in->imm;
    if (a != ti_view_as_set(a) || b != ti_view_as_set(b)) {
        const Type *sa = ti_view_as_set(a), *sb = ti_view_as_set(b);
        if (sa->kind != TY_SET || sb->kind != TY_SET || sa != sb || (op != IRB_OR && op != IRB_AND && op != IRB_SUB && op != IRB_XOR))
            return ERR(in, "unsupported operand types for %s: %s and %s", ir_binop_text[op], a->name, b->name), NULL;
        return sa;
    }
    if (a->kind != TY_SET || b->kind != TY_SET || (op != IRB_OR && op != IRB_AND && op != IRB_SUB && op != IRB_XOR))
        return ERR(in, "unsupported operand types for %s: %s and %s", ir_binop_text[op], a->name, b->name), NULL;
    const Type *u = ty_unify(a, b);
    if (!u) return ERR(in, "unsupported operand types for %s: %s and %s", ir_binop_text[op], a->name, b->name), NULL;
    if (u != a) ti_refine(ti, in->args[0], u, changed);
    if (u != b) ti_refine(ti, in->args[1], u, changed);
    return u;
}

/* A set, or a keys or items view, which compare as sets */
static bool set_like(const Type *t) { return t->kind == TY_SET || (t->kind == TY_DICT && t->attr && strcmp(t->attr, "values")); }

/* Sets and dicts compare as CPython's: two sets (a keys or items view as the set of its items) by
 * inclusion, == and != needing the same items, < and <= a subset, > and >= a superset, of one
 * item type; two dicts by == and != (the same keys, each with an equal value), of one key type
 * and values that compare. A set or a dict never equals anything else (None, a number, a list). */
const Type *ti_set_cmp(TypeInfo *ti, Instr *in, const Type *a, const Type *b, bool *changed) {
    bool eq = in->imm == IRC_EQ || in->imm == IRC_NE;
    const Type *sa = ti_view_as_set(a), *sb = ti_view_as_set(b);
    for (int k = 0; k < 2; k++) {
        const Type *t = k ? b : a;
        if (t->kind == TY_DICT && t->attr && !strcmp(t->attr, "values"))
            return UNSUP(in, "'%s' is not supported with %s (a values view equals only itself)", ir_cmp_text[in->imm], t->name), NULL;
        if (ti_view_as_set(t) != t && !ty_is_hashable(ti_view_as_set(t)->elems[0]))
            return UNSUP(in, "'%s' is not supported with %s (its items are not hashable)", ir_cmp_text[in->imm], t->name), NULL;
    }
    if (set_like(a) && set_like(b)) {
        if (sa->kind != TY_SET || sb->kind != TY_SET || !sa->elems[0] || !sb->elems[0]) {   /* one of no item type yet */
            if (a->kind == TY_SET && b->kind == TY_SET) refine_sets(ti, in->args[0], a, in->args[1], b, changed);
            return ty_bool;   /* (else it is empty: lowering compares the lengths) */
        }
        if (sa == sb) return ty_bool;
    } else if (a->kind == TY_DICT && !a->attr && b->kind == TY_DICT && !b->attr && eq) {
        if (!a->elems[0] || !a->elems[1] || !b->elems[0] || !b->elems[1])
            return ty_bool;   /* (an empty dict: lowering compares the lengths) */
        if (a->elems[0] == b->elems[0] && ti_equatable(a->elems[1], b->elems[1])) return ty_bool;
    } else if (eq) {
        return ty_bool;
    }
    return ERR(in, "'%s' is not supported between %s and %s", ir_cmp_text[in->imm], a->name, b->name), NULL;
}
