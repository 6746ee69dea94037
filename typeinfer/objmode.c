/* objmode.c: typing a `with objmode(name=type, ...)` block (the frontend's OBJMODE instruction).
 *
 * The block's value is the tuple of its declared outputs, parsed from the type names
 * pymodule/ember/_objmode.py read from the source (strings or ember.types objects, one parser:
 * ty_parse). Each live-in must be a value the runtime can box (runtime/box.c) and each output
 * one it can unbox. The call record (CALL_OBJMODE) tells codegen the frame can see exceptions
 * holding references (a Python exception object, runtime/objmode.c).
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

/* A value that crosses into Python and back: what runtime/box.c boxes and unboxes. */
static bool crosses(const Type *t) {
    switch (t->kind) {
    case TY_NONE: case TY_BOOL: case TY_INT64: case TY_UINT64: case TY_FLOAT64: case TY_COMPLEX128: case TY_STR:
    case TY_ARRAY:
        return true;
    case TY_LIST: case TY_DICT: case TY_SET:
        return ty_is_complete(t);
    case TY_TUPLE:
        for (int i = 0; i < t->n; i++)
            if (!crosses(t->elems[i])) return false;
        return true;
    default:
        return false;
    }
}

const Type *ti_type_objmode(TypeInfo *ti, Instr *in, const Type **args, int n) {
    PyObject *names = PyTuple_GET_ITEM(in->obj, 1), *types = PyTuple_GET_ITEM(in->obj, 2);
    PyObject *live = PyTuple_GET_ITEM(in->obj, 3);
    for (int k = 0; k < n; k++)
        if (!crosses(args[k]))
            return UNSUP(ti->fn->instrs[in->args[k]], "an objmode block cannot read variable '%s' of type %s: only "
                         "numbers, strings, None, arrays, tuples, lists, dicts and sets cross into the interpreter",
                         PyUnicode_AsUTF8(PyTuple_GET_ITEM(live, k)), args[k]->name), NULL;
    int nouts = (int)PyTuple_GET_SIZE(types);
    const Type *outs[64];
    if (nouts > 64) return UNSUP(in, "an objmode block declares more than 64 outputs"), NULL;
    for (int k = 0; k < nouts; k++) {
        const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(names, k)), *text = PyUnicode_AsUTF8(PyTuple_GET_ITEM(types, k));
        char err[300] = "";
        const char *end = text;
        const Type *t = name && text ? ty_parse(text, &end, err, sizeof err) : NULL;
        while (t && *end == ' ') end++;
        if (!t || *end)
            return ERR(in, "objmode(%s=\"%s\"): %s", name ? name : "?", text ? text : "?",
                       err[0] ? err : "unexpected text after the type"), NULL;
        if (!crosses(t))
            return UNSUP(in, "objmode(%s=\"%s\"): %s cannot come back from the interpreter", name, text, t->name), NULL;
        outs[k] = t;
    }
    const Type *t = ty_tuple(nouts, outs);
    CallInfo *ci = ti->calls[in->id] ? ti->calls[in->id] : ti_new_call(ti, in, CALL_OBJMODE, 0);
    if (!ci || !t) return NULL;
    ci->ret = t;
    ti->calls[in->id] = ci;
    return t;
}
