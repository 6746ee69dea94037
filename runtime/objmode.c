/* objmode.c: running a `with objmode(...)` block's body in the interpreter, and Python exception
 * objects inside the error record.
 *
 * Generated code (codegen/lower_objmode.c) calls ember_rt_objmode with a constant description
 * and pointers to the live-ins' values and to the outputs' tuple:
 *
 *     "<key>\n" "i\t<name>\t<type>\n" per live-in, "o\t<name>\t<type>\n" per output
 *
 * where the key is "<file>:<qualname>:<first line>:<with line>" and types are ember's type names
 * (ty_parse reads them back). With the GIL: the first time a process runs the block, read desc
 * into a Plan and get the block's function from ember._objmode.block(key, live-in names, output
 * names); each time, box the live-ins (the frame keeps its own references), call the function,
 * unbox each output to its declared type. An array output keeps the ndarray it came from alive through a
 * block that holds it (rt_block_holding), as Numba's meminfo does: no copy.
 *
 * An exception the body raises, or an output that does not convert, becomes the error record's
 * exception as the Python object itself: class "module:qualname|base|..." (its MRO, so compiled
 * handlers match it by name as any other), layout "$P", and args[0] a reference to the object.
 * error.c counts that reference with the strings of other exceptions (rt_exc_object_ref) and
 * hands the very object back to Python.
 */
#include "rt.h"
#include <stdlib.h>
#include <string.h>

/* ---- exception objects in the record ---------------------------------------------------- */

/* One more (delta 1) or one less reference to a Python object an exception value holds; any thread. */
void rt_exc_object_ref(PyObject *o, int delta) {
    PyGILState_STATE g = PyGILState_Ensure();
    if (delta > 0) Py_INCREF(o);
    else Py_DECREF(o);
    PyGILState_Release(g);
}

/* str(e) of a caught Python exception object, as a new string; NULL with the record set. */
RtStr *rt_exc_object_str(PyObject *o) {
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *s = PyObject_Str(o);
    RtStr *r = s ? rt_unbox_str(s) : NULL;
    Py_XDECREF(s);
    if (!r) {
        PyErr_Clear();
        ember_rt_raise("builtins:RuntimeError", "str() of an exception failed");
    }
    PyGILState_Release(g);
    return r;
}

/* "module:qualname|base|...": a class's name with its MRO, kept for the process (classes are few).
 * Owner: this file, under the GIL. */
static PyObject *class_lists;

static const char *class_list(PyTypeObject *tp) {
    if (!class_lists && !(class_lists = PyDict_New())) return NULL;
    PyObject *have = PyDict_GetItemWithError(class_lists, (PyObject *)tp);
    if (have) return PyBytes_AS_STRING(have);
    PyObject *parts = PyList_New(0), *mro = tp->tp_mro;
    for (Py_ssize_t i = 0; parts && mro && i < PyTuple_GET_SIZE(mro); i++) {
        PyObject *c = PyTuple_GET_ITEM(mro, i);
        if (c == (PyObject *)&PyBaseObject_Type) continue;
        PyObject *m = PyObject_GetAttrString(c, "__module__"), *q = PyObject_GetAttrString(c, "__qualname__");
        PyObject *one = m && q ? PyUnicode_FromFormat("%S:%S", m, q) : NULL;
        if (!one || PyList_Append(parts, one)) Py_CLEAR(parts);
        Py_XDECREF(one);
        Py_XDECREF(m);
        Py_XDECREF(q);
    }
    PyObject *bar = parts ? PyUnicode_FromString("|") : NULL;
    PyObject *text = bar ? PyUnicode_Join(bar, parts) : NULL;
    PyObject *bytes = text ? PyUnicode_AsUTF8String(text) : NULL;
    Py_XDECREF(bar);
    Py_XDECREF(text);
    Py_XDECREF(parts);
    if (!bytes || PyDict_SetItem(class_lists, (PyObject *)tp, bytes)) {
        Py_XDECREF(bytes);
        return NULL;
    }
    Py_DECREF(bytes);   /* the dict keeps it */
    return PyBytes_AS_STRING(bytes);
}

/* The pending Python exception becomes the record's (under the GIL), with its traceback. */
void rt_raise_python_error(void) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value && tb) PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    const char *cls = value ? class_list(Py_TYPE(value)) : NULL;
    if (!cls) {
        PyErr_Clear();
        Py_XDECREF(value);
        ember_rt_raise("builtins:RuntimeError", "ember: an objmode block failed and its exception was lost");
        return;
    }
    RtExc e;
    memset(&e, 0, sizeof e);
    e.e.cls = cls;
    e.e.desc = "$P";
    e.e.args[0] = (uint64_t)(uintptr_t)value;   /* the record takes over the reference */
    ember_rt_raise_value(&e);
}

/* ---- the call --------------------------------------------------------------------------- */

/* The frame keeps its references to a live-in: boxing takes over one, so take one more first. */
static void retain(const Type *t, void *p) {
    if (t->kind == TY_STR) {
        __atomic_fetch_add(&(*(RtStr **)p)->refcnt, 1, __ATOMIC_RELAXED);
    } else if (t->kind == TY_TUPLE) {
        for (int i = 0; i < t->n; i++) retain(t->elems[i], (char *)p + t->offsets[i]);
    } else {
        rt_retain(t, p);
    }
}

/* An array unboxed over an ndarray's memory: give it a block that owns the ndarray. */
static int own_arrays(const Type *t, void *p) {
    if (t->kind == TY_ARRAY) {
        RtBlock **mi = p;
        PyObject *parent = ((PyObject **)p)[1];
        if (*mi || !parent) return 0;
        return (*mi = rt_block_holding(parent)) ? 0 : -1;
    }
    if (t->kind == TY_TUPLE)
        for (int i = 0; i < t->n; i++)
            if (own_arrays(t->elems[i], (char *)p + t->offsets[i])) return -1;
    return 0;
}

/* A block as desc describes it, read once per process: its key, the names and types that cross,
 * and its function. Found by the code's desc pointer, checked by content (code may be unloaded
 * and another desc land at the same address). Owner: this file, under the GIL; never freed (a
 * process has a few blocks). */
typedef struct Plan {
    const char *at;            /* the desc pointer it was made for */
    char *desc;                /* a copy */
    int nin, nout;
    const Type **types;        /* nin live-ins, then nout outputs */
    const Type *outs;          /* the outputs' tuple: where each goes in `out` */
    PyObject *innames, *outnames, *key, *block;
} Plan;

static Plan **plans;
static int nplans, cap_plans;

static Plan *parse_plan(const char *desc) {
    Plan *p = calloc(1, sizeof *p);
    size_t lines = 0;
    for (const char *c = desc; *c; c++) lines += *c == '\n';
    if (!p || !(p->desc = strdup(desc)) || !(p->types = calloc(lines + 1, sizeof(Type *)))) goto nomem;
    const char *nl = strchr(desc, '\n');
    PyObject *in = PyList_New(0), *out = PyList_New(0);
    if (!nl || !in || !out || !(p->key = PyUnicode_FromStringAndSize(desc, nl - desc))) goto bad;
    for (const char *s = nl + 1; *s; s = nl + 1) {
        nl = strchr(s, '\n');
        const char *tab1 = strchr(s, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!nl || !tab2 || tab2 > nl) {
            PyErr_SetString(PyExc_SystemError, "ember: bad objmode description");
            goto bad;
        }
        char text[512], err[256];
        size_t len = (size_t)(nl - tab2 - 1) < sizeof text - 1 ? (size_t)(nl - tab2 - 1) : sizeof text - 1;
        memcpy(text, tab2 + 1, len);
        text[len] = 0;
        const char *end;
        const Type *t = ty_parse(text, &end, err, sizeof err);
        PyObject *name = t ? PyUnicode_FromStringAndSize(tab1 + 1, tab2 - tab1 - 1) : NULL;
        if (!t) PyErr_Format(PyExc_SystemError, "ember: objmode type '%s': %s", text, err);
        int r = name ? PyList_Append(s[0] == 'i' ? in : out, name) : -1;
        Py_XDECREF(name);
        if (r) goto bad;
        p->types[p->nin + p->nout] = t;
        if (s[0] == 'i') p->nin++;
        else p->nout++;
    }
    p->innames = PyList_AsTuple(in);
    p->outnames = PyList_AsTuple(out);
    p->outs = p->nout <= 64 ? ty_tuple(p->nout, p->types + p->nin) : NULL;
    Py_DECREF(in);
    Py_DECREF(out);
    PyObject *mod = p->innames && p->outnames && p->outs ? PyImport_ImportModule("ember._objmode") : NULL;
    p->block = mod ? PyObject_CallMethod(mod, "block", "OOO", p->key, p->innames, p->outnames) : NULL;
    Py_XDECREF(mod);
    if (p->block) return p;
    in = out = NULL;
bad:
    Py_XDECREF(in);
    Py_XDECREF(out);
    Py_XDECREF(p->key);
    Py_XDECREF(p->innames);
    Py_XDECREF(p->outnames);
    free(p->types);
    free(p->desc);
    free(p);
    return NULL;
nomem:
    if (p) free(p->desc);
    free(p);
    PyErr_NoMemory();
    return NULL;
}

static Plan *plan_for(const char *desc) {
    for (int i = 0; i < nplans; i++)
        if (plans[i]->at == desc && !strcmp(plans[i]->desc, desc)) return plans[i];
    Plan *p = parse_plan(desc);
    if (!p) return NULL;
    if (nplans == cap_plans) {
        int ncap = cap_plans ? 2 * cap_plans : 8;
        Plan **np = realloc(plans, sizeof(Plan *) * (size_t)ncap);
        if (!np) return PyErr_NoMemory(), NULL;   /* p stays, unlisted: read again next time */
        plans = np;
        cap_plans = ncap;
    }
    p->at = desc;
    return plans[nplans++] = p;
}

/* TypeError: output `name` is not its declared type (the key says where the block is). */
static void bad_output(PyObject *key, PyObject *name, const Type *t, PyObject *value) {
    PyObject *type, *why, *tb;
    PyErr_Fetch(&type, &why, &tb);
    PyObject *colon = PyUnicode_FromString(":");
    PyObject *parts = colon ? PyUnicode_RSplit(key, colon, 3) : NULL;   /* file, qualname, first, line */
    Py_XDECREF(colon);
    const Type *got = rt_typeof(value);
    PyErr_Clear();
    if (parts && PyList_GET_SIZE(parts) == 4)
        PyErr_Format(PyExc_TypeError, "%S:%S in %S: objmode output '%S' is %s, which does not convert to the declared %s",
                     PyList_GET_ITEM(parts, 0), PyList_GET_ITEM(parts, 3), PyList_GET_ITEM(parts, 1), name,
                     got ? got->name : Py_TYPE(value)->tp_name, t->name);
    else
        PyErr_Format(PyExc_TypeError, "objmode output '%S' does not convert to %s", name, t->name);
    Py_XDECREF(parts);
    Py_XDECREF(type);
    Py_XDECREF(why);
    Py_XDECREF(tb);
}

static int run(const char *desc, void *const *ins, void *out) {
    Plan *p = plan_for(desc);
    if (!p) return -1;
    PyObject *values = PyTuple_New(p->nin), *result = NULL;
    for (int i = 0; values && i < p->nin; i++) {
        retain(p->types[i], ins[i]);
        PyObject *v = rt_box(p->types[i], ins[i]);
        if (!v) Py_CLEAR(values);
        else PyTuple_SET_ITEM(values, i, v);
    }
    result = values ? PyObject_Call(p->block, values, NULL) : NULL;
    Py_XDECREF(values);
    if (!result) return -1;
    if (!PyTuple_Check(result) || PyTuple_GET_SIZE(result) != p->nout) {
        Py_DECREF(result);
        PyErr_SetString(PyExc_SystemError, "ember: an objmode block gave the wrong number of outputs");
        return -1;
    }
    for (int o = 0; o < p->nout; o++) {
        const Type *t = p->types[p->nin + o];
        void *at = (char *)out + p->outs->offsets[o];
        PyObject *v = PyTuple_GET_ITEM(result, o);
        if (rt_unbox(t, v, at) || own_arrays(t, at)) {
            bad_output(p->key, PyTuple_GET_ITEM(p->outnames, o), t, v);
            for (int j = 0; j < o; j++) rt_release(p->types[p->nin + j], (char *)out + p->outs->offsets[j]);
            Py_DECREF(result);
            return -1;
        }
    }
    Py_DECREF(result);
    return 0;
}

int32_t ember_rt_objmode(const char *desc, void *const *ins, void *out) {
    PyGILState_STATE g = PyGILState_Ensure();
    int rc = run(desc, ins, out);
    if (rc) rt_raise_python_error();
    PyGILState_Release(g);
    return rc;
}
