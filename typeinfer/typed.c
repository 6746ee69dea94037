/* typed.c: typing of ember.typed.List and ember.typed.Dict (Numba's typed containers) in
 * compiled code.
 *
 * A typed container is a list or dict whose type carries `typed` (types.h): ListType[T],
 * DictType[K,V]. Compiled code uses it exactly as a list or dict (containers.c types its
 * methods, codegen/lower_list.c and lower_dict.c lower them); only the boundary differs: it
 * crosses into Python as the runtime block itself (runtime/typed.c). Here are the ways to make
 * one, each a CallInfo that lowering treats as `[]` / `{}` (LB_LIST, LB_DICT):
 *
 *   List()                      ListType[undefined], refined by the first append (ti_refine)
 *   List(iterable)              ListType[item of the iterable], a copy of its items
 *   List.empty_list(T)          ListType[T]
 *   Dict()                      DictType[undefined,undefined], refined by the first d[k] = v
 *   Dict.empty(K, V)            DictType[K,V] (also key_type=, value_type=)
 *
 * Item types are written as ember.types objects: a scalar (types.float64) types as a dtype
 * value, anything else (types.float64[:], types.UniTuple(...), types.ListType(...)) as a
 * TY_TYPEREF, read back through the object's name and ty_parse. An array type written in the
 * function (types.float64[:]) is made here as the same object ember.types makes.
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

const Type *ti_typed_getattr(TypeInfo *ti, Instr *in, const Type *cls) {
    const char *want = cls->builtin == BI_TYPED_LIST ? "empty_list" : "empty";
    if (!strcmp(in->str, want)) return ty_method(cls, want);
    return UNSUP(in, "%s.%s is not supported in compiled code (%s() and %s.%s() are)",
                 cls->builtin == BI_TYPED_LIST ? "List" : "Dict", in->str,
                 cls->builtin == BI_TYPED_LIST ? "List" : "Dict", cls->builtin == BI_TYPED_LIST ? "List" : "Dict", want), NULL;
}

/* dtype[:], dtype[:, ::1], dtype[::1, :]: an array type as a value (Dict.empty(types.int64, types.float64[:])).
 * A slice with a step marks the contiguous dimension, as in ember.types (the step is taken to be 1). */
const Type *ti_array_typeref(TypeInfo *ti, Instr *in, const Type *dtype, const Type *idx) {
    int nd = idx->kind == TY_TUPLE ? idx->n : 1;
    char layout = 'A';
    for (int i = 0; i < nd; i++) {
        const Type *s = idx->kind == TY_TUPLE ? idx->elems[i] : idx;
        if (s->kind != TY_SLICE || (s->n & 3))
            return ERR(in, "cannot index %s with %s (an array type is written %s[:] or %s[:, ::1])", dtype->name,
                       idx->name, ty_dtypes[dtype->dtype].name, ty_dtypes[dtype->dtype].name), NULL;
        if (s->n & 4) layout = i == nd - 1 ? 'C' : i == 0 ? 'F' : 'A';
    }
    char name[80];
    snprintf(name, sizeof name, "array(%s, %dd, %c)", ty_dtypes[dtype->dtype].name, nd, nd == 1 && layout == 'F' ? 'C' : layout);
    static PyObject *made;   /* name -> ember.types object, so that one type is one object; owner: this file, GIL */
    PyObject *obj = made ? PyDict_GetItemString(made, name) : NULL;
    if (!obj) {
        PyObject *mod = PyImport_ImportModule("ember.types");
        obj = mod ? PyObject_CallMethod(mod, "from_name", "s", name) : NULL;
        Py_XDECREF(mod);
        if (!made) made = PyDict_New();
        if (!obj || !made || PyDict_SetItemString(made, name, obj)) {
            Py_XDECREF(obj);
            PyErr_Clear();
            return ERR(in, "cannot make the type %s", name), NULL;
        }
        Py_DECREF(obj);   /* (the dict holds it) */
    }
    return ty_object(TY_TYPEREF, obj, 0);
}

/* The ember type an item-type argument names, or NULL (a diagnostic added) */
static const Type *named_type(TypeInfo *ti, Instr *at, const Type *t) {   /* (a sized scalar: its TY_NARROW) */
    if (t->kind == TY_DTYPE) return ty_state->narrow[t->dtype] ? ty_state->narrow[t->dtype] : ty_scalar_of(t->dtype);
    if (t->kind == TY_TYPEREF) {
        PyObject *name = PyObject_GetAttrString(t->obj, "name");
        const char *s = name && PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
        char err[200] = "";
        const char *end;
        const Type *r = s ? ty_parse_sized(s, &end, err, sizeof err) : NULL;
        PyErr_Clear();
        if (!r) ERR(at, "cannot read the type %s: %s", s ? s : "?", err);
        Py_XDECREF(name);
        return r;
    }
    return ERR(at, "expected a type such as types.float64 (got a value of type %s)", t->name), NULL;
}

int ti_type_typed_call(TypeInfo *ti, Instr *in, int bid, const char *method, const Type **args, int nargs) {
    int npos = nargs - in->nkw;
    bool is_list = bid == BI_TYPED_LIST;
    const char *what = is_list ? (method ? "List.empty_list" : "List") : (method ? "Dict.empty" : "Dict");
    if (!method) {   /* List(), List(iterable), Dict() */
        if (!is_list) return ti_type_dict_call(ti, in, args, npos, true);
        if (in->nkw || npos > 1) return ERR(in, "%s() takes no argument or an iterable", what);
        if (npos == 0) return ti_container_call(ti, in, LB_LIST, 0, ty_typed_list(NULL)) ? 0 : -1;
        if (!ti_is_iterable(args[0])) return UNSUP(in, "List() of %s is not supported", args[0]->name);
        const Type *e = ti_iter_value_type(args[0]);
        if (!e) return 0;   /* an empty list of no type yet */
        if (!ti_storable(e)) return UNSUP(in, "a typed List cannot hold %s", e->name);
        return ti_container_call(ti, in, LB_LIST, 1, ty_typed_list(e)) ? 0 : -1;
    }
    /* List.empty_list(item_type, allocated=0), Dict.empty(key_type, value_type, n_keys=0) */
    const char *names[3] = {is_list ? "item_type" : "key_type", is_list ? "allocated" : "value_type", "n_keys"};
    int want = is_list ? 1 : 2, most = want + 1;
    const Type *got[3] = {NULL, NULL, NULL};
    int at[3] = {0, 0, 0};
    if (npos > most) return ERR(in, "%s() takes at most %d arguments (%d given)", what, most, nargs);
    for (int i = 0; i < npos; i++) got[i] = args[i], at[i] = in->args[i + 1];
    for (int j = 0; j < in->nkw; j++) {
        int k = -1;
        for (int i = 0; i < most; i++)
            if (!strcmp(in->kwnames[j], names[i])) k = i;
        if (k < 0 || got[k]) return ERR(in, "%s() got an unexpected keyword argument '%s'", what, in->kwnames[j]);
        got[k] = args[npos + j];
        at[k] = in->args[npos + j + 1];
    }
    const Type *parts[2];
    for (int i = 0; i < want; i++) {
        if (!got[i]) return ERR(in, "%s() missing the argument '%s'", what, names[i]);
        if (!(parts[i] = named_type(ti, ti->fn->instrs[at[i]], got[i]))) return -1;
    }
    if (got[want] && !ty_is_int(got[want]) && got[want] != ty_bool)
        return ERR(ti->fn->instrs[at[want]], "%s()'s %s must be an integer", what, names[want]);
    if (is_list) {
        if (!ti_storable(ty_held(parts[0]))) return UNSUP(in, "a typed List cannot hold %s", parts[0]->name);
        return ti_container_call(ti, in, LB_LIST, 0, ty_typed_list(parts[0])) ? 0 : -1;
    }
    if (!ty_is_hashable(ty_held(parts[0]))) return UNSUP(in, "a typed Dict key must be a number or a tuple of numbers (got %s)", parts[0]->name);
    if (!ti_storable(ty_held(parts[1]))) return UNSUP(in, "a typed Dict cannot hold %s", parts[1]->name);
    return ti_container_call(ti, in, LB_DICT, 0, ty_typed_dict(parts[0], parts[1])) ? 0 : -1;
}
