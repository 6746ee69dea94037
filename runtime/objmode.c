/* objmode.c: running a `with objmode(...)` block's body in the interpreter, and Python exception
 * objects inside the error record.
 *
 * Generated code (codegen/lower_objmode.c) calls ember_rt_objmode with a constant description
 * and pointers to the live-ins' values and to the outputs' tuple:
 *
 *     "<key>\n" "i\t<name>\t<type>\n" per live-in, "o\t<name>\t<type>\n" per output
 *
 * where the key is "<file>:<qualname>:<first line>:<with line>" and types are ember's type names
 * (ty_parse reads them back). With the GIL: box the live-ins (the frame keeps its own
 * references), call ember._objmode.run(key, live-in names, output names, values), unbox each
 * output to its declared type. An array output keeps the ndarray it came from alive through a
 * block that holds it (rt_block_holding), as Numba's meminfo does: no copy.
 *
 * An exception the body raises, or an output that does not convert, becomes the error record's
 * exception as the Python object itself: class "module:qualname|base|..." (its MRO, so compiled
 * handlers match it by name as any other), layout "$P", and args[0] a reference to the object.
 * error.c counts that reference with the strings of other exceptions (rt_exc_object_ref) and
 * hands the very object back to Python.
 */
#include "rt.h"
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

/* The pending Python exception becomes the record's (under the GIL). Its traceback starts in
 * the body: ember._objmode.run's own entry is dropped (`from_run`). */
static void raise_python_error(bool from_run) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *body_tb = from_run && tb && ((PyTracebackObject *)tb)->tb_next ? (PyObject *)((PyTracebackObject *)tb)->tb_next : tb;
    if (value && body_tb) PyException_SetTraceback(value, body_tb);
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

typedef struct {
    char kind;                 /* 'i' live-in, 'o' output */
    PyObject *name;
    const Type *type;
} Item;

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

/* desc's lines into items; returns the count, or -1 with a Python error. */
static int parse_desc(const char *desc, PyObject **key, Item *items, int cap, int *nitems) {
    const char *nl = strchr(desc, '\n');
    if (!nl || !(*key = PyUnicode_FromStringAndSize(desc, nl - desc))) return -1;
    int n = 0;
    for (const char *s = nl + 1; *s; s = nl + 1, *nitems = n) {
        nl = strchr(s, '\n');
        const char *tab1 = strchr(s, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!nl || !tab2 || tab2 > nl || n == cap) {
            PyErr_SetString(PyExc_SystemError, "ember: bad objmode description");
            return -1;
        }
        char text[512], err[256];
        size_t len = (size_t)(nl - tab2 - 1) < sizeof text - 1 ? (size_t)(nl - tab2 - 1) : sizeof text - 1;
        memcpy(text, tab2 + 1, len);
        text[len] = 0;
        const char *end;
        items[n].kind = s[0];
        items[n].type = ty_parse(text, &end, err, sizeof err);
        if (!items[n].type) {
            PyErr_Format(PyExc_SystemError, "ember: objmode type '%s': %s", text, err);
            return -1;
        }
        if (!(items[n].name = PyUnicode_FromStringAndSize(tab1 + 1, tab2 - tab1 - 1))) return -1;
        n++;
    }
    *nitems = n;
    return n;
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

static int run(const char *desc, void *const *ins, void *out, bool *from_run) {
    Item items[128];
    PyObject *key = NULL, *innames = NULL, *outnames = NULL, *values = NULL, *result = NULL;
    int n = 0, nin = 0, nout = 0, rc = -1;
    const Type *outtypes[64];
    if (parse_desc(desc, &key, items, 128, &n) < 0) goto done;
    for (int k = 0; k < n; k++) {
        if (items[k].kind == 'i') nin++;
        else nout++;
    }
    if (nout > 64) goto done;
    innames = PyTuple_New(nin);
    outnames = PyTuple_New(nout);
    values = PyTuple_New(nin);
    if (!innames || !outnames || !values) goto done;
    for (int k = 0, i = 0, o = 0; k < n; k++)
        if (items[k].kind == 'i') {
            retain(items[k].type, ins[i]);
            PyObject *v = rt_box(items[k].type, ins[i]);
            if (!v) goto done;
            PyTuple_SET_ITEM(values, i, v);
            PyTuple_SET_ITEM(innames, i++, Py_NewRef(items[k].name));
        } else {
            outtypes[o] = items[k].type;
            PyTuple_SET_ITEM(outnames, o++, Py_NewRef(items[k].name));
        }
    PyObject *mod = PyImport_ImportModule("ember._objmode");
    result = mod ? PyObject_CallMethod(mod, "run", "OOOO", key, innames, outnames, values) : NULL;
    *from_run = result == NULL && mod != NULL;
    Py_XDECREF(mod);
    if (!result) goto done;
    if (!PyTuple_Check(result) || PyTuple_GET_SIZE(result) != nout) {
        PyErr_SetString(PyExc_SystemError, "ember: an objmode block gave the wrong number of outputs");
        goto done;
    }
    const Type *tt = ty_tuple(nout, outtypes);
    for (int o = 0; o < nout; o++) {
        void *p = (char *)out + tt->offsets[o];
        PyObject *v = PyTuple_GET_ITEM(result, o);
        if (rt_unbox(outtypes[o], v, p) || own_arrays(outtypes[o], p)) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "cannot convert");
            bad_output(key, PyTuple_GET_ITEM(outnames, o), outtypes[o], v);
            for (int j = 0; j < o; j++) rt_release(outtypes[j], (char *)out + tt->offsets[j]);
            goto done;
        }
    }
    rc = 0;
done:
    for (int k = 0; k < n; k++) Py_XDECREF(items[k].name);
    Py_XDECREF(key);
    Py_XDECREF(innames);
    Py_XDECREF(outnames);
    Py_XDECREF(values);
    Py_XDECREF(result);
    return rc;
}

int32_t ember_rt_objmode(const char *desc, void *const *ins, void *out) {
    PyGILState_STATE g = PyGILState_Ensure();
    bool from_run = false;
    int rc = run(desc, ins, out, &from_run);
    if (rc) raise_python_error(from_run);
    PyGILState_Release(g);
    return rc;
}
