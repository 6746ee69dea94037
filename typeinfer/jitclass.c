/* jitclass.c: typing rules for jitclass instances (TY_CLASS; ember/experimental.py makes the
 * classes, runtime/jitclass.c their boxes, codegen/lower_jitclass.c the code).
 *
 * obj.x reads field x as its type (a scalar field as the canonical scalar of its dtype);
 * obj.x = v stores v with NumPy's conversion for scalars, any number into any real field (a
 * complex one only into complex), arrays where their type converts to the field's. A method
 * obj.m(...) is a call of the method's Dispatcher with the instance first, a property obj.p a
 * call of its getter (obj.p = v of its setter), a static method a call of its Dispatcher. The
 * box class lists them: _ember_methods, _ember_static ({name: Dispatcher}) and _ember_props
 * ({name: (getter, setter or None)}). Cls(...) is a call of the constructor (experimental.py),
 * whose one primitive is ember.experimental._new_instance(T): a zeroed instance of type T.
 * Operators (obj + x, obj[i], len(obj), `if obj`) are calls of the class's dunder methods, as in
 * Numba (ti_class_operator, ti_class_builtin). An OptionalType(instance) (a deferred field, a
 * variable assigned an instance and None) types as the instance: lowering tests it for None
 * where it is read or converted to the instance.
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

/* The entry `name` of the box class's table `table`, borrowed (the compile keeps it), or NULL. */
static PyObject *member(TypeInfo *ti, const Type *t, const char *table, const char *name) {
    PyObject *d = PyObject_GetAttrString(t->obj, table);
    PyObject *v = d && PyDict_Check(d) ? PyDict_GetItemString(d, name) : NULL;
    if (v) ctx_keep(ti->fn->ctx, v);
    Py_XDECREF(d);
    PyErr_Clear();
    return v;
}

/* What the class has, for a message: its fields, methods and properties. */
static const char *members_text(TypeInfo *ti, const Type *t) {
    char buf[600];
    size_t at = 0;
    buf[0] = 0;
    for (int i = 0; i < t->n && at < sizeof buf - 1; i++)
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s", at ? ", " : "", t->fnames[i]);
    static const char *const tables[] = {"_ember_methods", "_ember_props", "_ember_static"};
    for (int k = 0; k < 3; k++) {
        PyObject *d = PyObject_GetAttrString(t->obj, tables[k]), *key, *val;
        Py_ssize_t pos = 0;
        while (d && PyDict_Check(d) && PyDict_Next(d, &pos, &key, &val) && at < sizeof buf - 1)
            at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s%s", at ? ", " : "", PyUnicode_AsUTF8(key),
                                   k == 1 ? "" : "()");
        Py_XDECREF(d);
    }
    PyErr_Clear();
    return ctx_strdup(ti->fn->ctx, buf);
}

static const char *class_name(const Type *t) { return ((PyTypeObject *)t->obj)->tp_name; }

const Type *ti_class_getattr(TypeInfo *ti, Instr *in, const Type *t) {
    int f = ty_class_field(t, in->str);
    if (f >= 0 && !t->elems[f])
        return ERR(in, "field '%s' of %s is of a deferred_type that was never defined (call its define())", in->str,
                   class_name(t)), NULL;
    if (f >= 0) return t->elems[f];
    /* a method of an OptionalType(instance) keeps it as receiver: the call converts it to the
     * instance (None: AttributeError) */
    if (member(ti, t, "_ember_methods", in->str) || member(ti, t, "_ember_static", in->str)) return ty_method(t, in->str);
    PyObject *prop = member(ti, t, "_ember_props", in->str);
    if (prop && PyTuple_Check(prop)) {
        if (ti_type_receiver_call(ti, in, PyTuple_GET_ITEM(prop, 0), in->args[0], ty_class_definite(t), NULL, NULL, 0, 0))
            return NULL;
        return ti->calls[in->id] ? ti->calls[in->id]->ret : NULL;
    }
    return ERR(in, "%s has no attribute '%s' (it has: %s)", class_name(t), in->str, members_text(ti, t)), NULL;
}

/* The jitclass whose constructor Dispatcher d is (the global Cls types as it), or NULL. */
const Type *ti_class_of_ctor(const Type *d) {
    PyObject *cls = d->kind == TY_DISPATCHER ? PyObject_GetAttrString(d->obj, "_ember_jitclass") : NULL;
    const Type *t = cls ? ty_class_of(cls) : NULL;
    Py_XDECREF(cls);
    PyErr_Clear();
    return t;
}

/* Cls.name: a static method, or Cls.class_type (whose instance_type names the instance type:
 * typed.Dict.empty(int64, Cls.class_type.instance_type)), a frozen object read as a module is. */
const Type *ti_class_static_getattr(TypeInfo *ti, Instr *in, const Type *t) {
    if (!strcmp(in->str, "class_type")) {
        PyObject *ct = PyObject_GetAttrString(t->obj, "class_type");
        if (!ct) return PyErr_Clear(), ERR(in, "%s has no class_type", class_name(t)), NULL;
        ctx_keep(ti->fn->ctx, ct);
        Py_DECREF(ct);
        return ty_object(TY_MODULE, ct, 0);
    }
    PyObject *d = member(ti, t, "_ember_static", in->str);
    if (d) return ty_object(TY_DISPATCHER, d, 0);
    return ERR(in, "%s.%s is not supported in compiled code (its static methods are; a method is called on an "
               "instance)", class_name(t), in->str), NULL;
}

/* May a value of type v be stored into a field of type f? */
static bool converts(const Type *v, const Type *f) {
    if (v == f || (v->kind == TY_NONE && f->kind == TY_CLASS && f->nullable)) return true;
    if (v->kind == TY_CLASS && f->kind == TY_CLASS && v->obj == f->obj)
        return true;   /* an instance, or None (an OptionalType into an instance field: AttributeError when None, as numba) */
    if (f->kind == TY_OPTIONAL)   /* optional(float64): None, a number, or another optional of one */
        return v->kind == TY_NONE || converts(v->kind == TY_OPTIONAL ? v->elems[1] : v, f->elems[1]);
    if (ty_is_number(v) && ty_is_number(f)) return v != ty_complex128 || f == ty_complex128;
    if (v == ty_str && f == ty_bool) return true;   /* Numba stores its truth (skglm's Cox("efron")) */
    if (v->kind == TY_TUPLE && f->kind == TY_TUPLE && v->n == f->n) {
        for (int i = 0; i < v->n; i++)
            if (!converts(v->elems[i], f->elems[i])) return false;
        return true;
    }
    if ((v->kind == TY_LIST || v->kind == TY_DICT || v->kind == TY_SET) && v->kind == f->kind && v->typed != f->typed) {
        for (int i = 0; i < v->n; i++)   /* [] or {} into a ListType or DictType field: the same block */
            if (v->elems[i] != f->elems[i]) return false;
        return true;
    }
    return v->kind == f->kind && ty_unify(v, f) == f;   /* arrays: C or F into A, writable into readonly */
}

int ti_class_setattr(TypeInfo *ti, Instr *in, const Type *t, const Type *v, bool *changed) {
    const char *name = ti_const_str(ti, in->args[1]);
    int f = ty_class_field(t, name);
    if (f >= 0 && !t->elems[f])
        return ERR(in, "field '%s' of %s is of a deferred_type that was never defined (call its define())", name,
                   class_name(t));
    t = ty_class_definite(t);
    if (f >= 0) {
        const Type *ft = t->elems[f];
        if (!ty_is_complete(v) && v->kind == ft->kind && v->kind == TY_LIST)   /* self.items = []: the field's item type */
            return ti_refine(ti, in->args[2], ty_list_like(v, ft->elems[0]), changed);
        if (!ty_is_complete(v) && v->kind == ft->kind && v->kind == TY_DICT)
            return ti_refine(ti, in->args[2], ty_dict_like(v, ft->elems[0], ft->elems[1]), changed);
        if (!ty_is_complete(v)) return 0;   /* [] before its first use */
        if (!converts(v, ft))
            return ERR(in, "cannot store %s into field '%s' of %s, which holds %s", v->name, name, class_name(t),
                       t->fdtypes[f] >= 0 ? ty_dtypes[t->fdtypes[f]].name : ft->name);
        return 0;
    }
    PyObject *prop = name ? member(ti, t, "_ember_props", name) : NULL;
    if (prop && PyTuple_Check(prop) && PyTuple_GET_ITEM(prop, 1) != Py_None) {
        int id = in->args[2];
        return ti_type_receiver_call(ti, in, PyTuple_GET_ITEM(prop, 1), in->args[0], t, &id, &v, 1, 0);
    }
    if (prop) return ERR(in, "property '%s' of %s has no setter", name, class_name(t));
    return ERR(in, "%s has no field '%s' (its fields: %s)", class_name(t), name ? name : "?", members_text(ti, t));
}

int ti_class_method_call(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs) {
    PyObject *d = member(ti, m->recv, "_ember_methods", m->attr);
    if (d) return ti_type_receiver_call(ti, in, d, in->args[0], ty_class_definite(m->recv), in->args + 1, args, nargs, in->nkw);
    PyObject *s = member(ti, m->recv, "_ember_static", m->attr);   /* the Dispatcher's call, the method value unread */
    if (s) return ti_type_dispatcher_call(ti, in, s, args);
    return ERR(in, "%s has no method '%s'", class_name(m->recv), m->attr);
}

/* _new_instance(T): T an ember.types object naming an instance type. */
int ti_type_new_instance(TypeInfo *ti, Instr *in, const Type **args, int nargs) {
    if (nargs != 1 || args[0]->kind != TY_TYPEREF) return ERR(in, "_new_instance takes an instance type");
    PyObject *name = PyObject_GetAttrString(args[0]->obj, "name");
    const char *s = name && PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL, *end;
    char err[200] = "";
    const Type *t = s ? ty_parse(s, &end, err, sizeof err) : NULL;
    Py_XDECREF(name);
    PyErr_Clear();
    if (!t || t->kind != TY_CLASS) return ERR(in, "_new_instance of %s: %s", s ? s : "?", err[0] ? err : "not a jitclass");
    CallInfo *ci = ti_new_call(ti, in, CALL_BUILTIN, 1);
    if (!ci) return -1;
    ci->builtin = BI_NEW_INSTANCE;
    ci->params[0] = args[0];
    ci->ret = t;
    return 0;
}

/* ---- operators: dunder methods --------------------------------------------------------- */
static PyObject *dunder(TypeInfo *ti, const Type *t, const char *name) {
    return t->kind == TY_CLASS ? member(ti, t, "_ember_methods", name) : NULL;
}

/* The call of method d of the instance value recv (args: the value ids after it). */
static int dunder_call(TypeInfo *ti, Instr *in, PyObject *d, int recv, int narg, const int *ids, int post,
                       const Type **t) {
    const Type *types[2];
    for (int i = 0; i < narg; i++) types[i] = ti->vtypes[ids[i]];
    if (ti_type_receiver_call(ti, in, d, recv, ty_class_definite(ti->vtypes[recv]), ids, types, narg, 0)) return -1;
    CallInfo *ci = ti->calls[in->id];
    if (!ci) return -1;
    ci->post = post;
    *t = post ? ty_bool : ci->ret;
    return 0;
}

/* The truth of an OptionalType(instance) whose class has no __bool__ or __len__: not None. */
static bool plain_none_test(TypeInfo *ti, const Type *t) {
    return t->nullable && !dunder(ti, t, "__bool__") && !dunder(ti, t, "__len__");
}

/* bool(obj): __bool__, else __len__ (its truth) */
static int truth_call(TypeInfo *ti, Instr *in, int recv, int negate, const Type **t) {
    const Type *ct = ti->vtypes[recv];
    PyObject *d = dunder(ti, ct, "__bool__");
    if (d) return dunder_call(ti, in, d, recv, 0, NULL, CLS_POST_TRUTH | negate, t);
    if ((d = dunder(ti, ct, "__len__"))) return dunder_call(ti, in, d, recv, 0, NULL, CLS_POST_TRUTH | negate, t);
    return ERR(in, "cannot use %s as a condition: it has no __bool__ or __len__", class_name(ct));
}

int ti_class_operator(TypeInfo *ti, Instr *in, const Type **args, const Type **t) {
    static const char *const binops[IRB_NOPS] = {"add", "and", "floordiv", "lshift", "matmul", "mul", "mod", "or",
                                                 "pow", "rshift", "sub", "truediv", "xor"};
    static const char *const cmps[6] = {"lt", "le", "eq", "ne", "gt", "ge"}, *const swapped[6] = {"gt", "ge", "eq", "ne", "lt", "le"};
    static const char *const unops[3] = {"neg", "pos", "invert"};
    bool first = in->nargs >= 1 && args[0]->kind == TY_CLASS, second = in->nargs >= 2 && args[1]->kind == TY_CLASS;
    char name[32];
    PyObject *d;
    switch (in->op) {
    case IR_BINOP: {
        if (!first && !second) return 1;
        if (first && in->imm2) {   /* a += b: __iadd__, else __add__ */
            snprintf(name, sizeof name, "__i%s__", binops[in->imm]);
            if ((d = dunder(ti, args[0], name))) return dunder_call(ti, in, d, in->args[0], 1, in->args + 1, 0, t);
        }
        snprintf(name, sizeof name, "__%s__", binops[in->imm]);
        if (first && (d = dunder(ti, args[0], name))) return dunder_call(ti, in, d, in->args[0], 1, in->args + 1, 0, t);
        return ERR(in, "unsupported operand types for %s: %s and %s%s", ir_binop_text[in->imm], args[0]->name,
                   args[1]->name, first ? " (the class has no such method)" : "");
    }
    case IR_CMP: {
        if (!first && !second) return 1;
        snprintf(name, sizeof name, "__%s__", cmps[in->imm]);
        if (first && (d = dunder(ti, args[0], name))) return dunder_call(ti, in, d, in->args[0], 1, in->args + 1, 0, t);
        snprintf(name, sizeof name, "__%s__", swapped[in->imm]);   /* a < obj: obj.__gt__(a) */
        if (second && (d = dunder(ti, args[1], name))) return dunder_call(ti, in, d, in->args[1], 1, in->args, 0, t);
        if (in->imm == IRC_NE && first && (d = dunder(ti, args[0], "__eq__")))   /* not (a == b) */
            return dunder_call(ti, in, d, in->args[0], 1, in->args + 1, CLS_POST_TRUTH | CLS_POST_NOT, t);
        if (in->imm == IRC_NE && second && (d = dunder(ti, args[1], "__eq__")))
            return dunder_call(ti, in, d, in->args[1], 1, in->args, CLS_POST_TRUTH | CLS_POST_NOT, t);
        return ERR(in, "cannot compare %s and %s: no __%s__ method", args[0]->name, args[1]->name, cmps[in->imm]);
    }
    case IR_UNOP:
        if (!first) return 1;
        if (in->imm == IRU_NOT && plain_none_test(ti, args[0])) return 1;   /* `not node`: node is None */
        if (in->imm == IRU_NOT) return truth_call(ti, in, in->args[0], CLS_POST_NOT, t);
        snprintf(name, sizeof name, "__%s__", unops[in->imm]);
        if ((d = dunder(ti, args[0], name))) return dunder_call(ti, in, d, in->args[0], 0, NULL, 0, t);
        return ERR(in, "bad operand type for unary operator: %s has no %s", class_name(args[0]), name);
    case IR_TRUTH:
        return first && !plain_none_test(ti, args[0]) ? truth_call(ti, in, in->args[0], 0, t) : 1;
    case IR_GETITEM:
        if (!first) return 1;
        if ((d = dunder(ti, args[0], "__getitem__"))) return dunder_call(ti, in, d, in->args[0], 1, in->args + 1, 0, t);
        return ERR(in, "%s is not subscriptable: it has no __getitem__", class_name(args[0]));
    case IR_SETITEM:
        if (!first || in->imm2 == IR_SET_ATTR) return 1;
        if ((d = dunder(ti, args[0], "__setitem__"))) return dunder_call(ti, in, d, in->args[0], 2, in->args + 1, 0, t);
        return ERR(in, "%s does not support item assignment: it has no __setitem__", class_name(args[0]));
    case IR_CONTAINS:   /* a1 in a0 */
        if (!first) return 1;
        if ((d = dunder(ti, args[0], "__contains__")))
            return dunder_call(ti, in, d, in->args[0], 1, in->args + 1, CLS_POST_TRUTH | (in->imm ? CLS_POST_NOT : 0), t);
        return ERR(in, "'in' of %s: it has no __contains__", class_name(args[0]));
    default:
        return 1;
    }
}

int ti_class_builtin(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs) {
    static const struct { int bid; const char *name; } map[] = {
        {BI_ABS, "__abs__"}, {BI_LEN, "__len__"}, {BI_HASH, "__hash__"}, {BI_FLOAT, "__float__"},
        {BI_INT, "__int__"}, {BI_COMPLEX, "__complex__"}, {BI_STR, "__str__"}};
    if (nargs != 1 || in->nkw || args[0]->kind != TY_CLASS) return 1;
    const Type *t;
    if (bid == BI_BOOL) return plain_none_test(ti, args[0]) ? 1 : truth_call(ti, in, in->args[1], 0, &t);
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].bid == bid) {
            PyObject *d = dunder(ti, args[0], map[i].name);
            if (!d) return ERR(in, "%s() of %s: it has no %s", ti_builtins[bid].name, class_name(args[0]), map[i].name);
            return dunder_call(ti, in, d, in->args[1], 0, NULL, 0, &t);
        }
    return 1;
}
