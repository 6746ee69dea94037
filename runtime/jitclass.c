/* jitclass.c: instances of jitclasses (ember/experimental.py) seen from Python.
 *
 * An instance is a counted block (array.c) whose data holds the class's fields as its type lays
 * them out (types.h, TY_CLASS). Compiled code makes, reads and writes it directly; Python sees it
 * through a box, an object of the class's Python type (a subclass of JitObject made by
 * ember/experimental.py), which holds the type and one reference to the block. Passing a box to
 * compiled code passes the block (one more reference, no copy: the code's changes are the
 * caller's); an instance returned by compiled code comes back boxed. The box's attributes and
 * methods are compiled functions taking the instance (experimental.py), so this file has only
 * the boundary.
 *
 * Owner of the base class: this file, under the GIL; an AOT module's copy of this file takes
 * ember._ember's (load_base).
 */
#include "rt.h"
#include <string.h>

typedef struct JitObj {
    PyObject_HEAD
    const Type *t;
    RtBlock *b;
} JitObj;

static PyTypeObject *base_type;

static int load_base(void) {
    if (base_type) return 0;
    PyObject *m = PyImport_ImportModule("ember._ember");
    PyObject *b = m ? PyObject_GetAttrString(m, "JitObject") : NULL;
    Py_XDECREF(m);
    if (!b) return -1;
    base_type = (PyTypeObject *)b;   /* (the reference is kept for the process) */
    return 0;
}

static bool is_instance(PyObject *o) { return base_type && PyObject_TypeCheck(o, base_type) && ((JitObj *)o)->b; }

static void jit_dealloc(JitObj *o) {
    PyTypeObject *tp = Py_TYPE(o);
    if (o->b) rt_release(o->t, &o->b);
    tp->tp_free((PyObject *)o);
    Py_DECREF(tp);   /* a heap type's instances hold a reference to it */
}

static PyObject *jit_new(PyTypeObject *cls, PyObject *args, PyObject *kw) {
    return PyErr_Format(PyExc_TypeError, "ember: %s instances are made by calling the jitclass", cls->tp_name);
}

static PyObject *get_type_name(JitObj *o, void *closure) { return PyUnicode_FromString(o->t->name); }

static PyObject *get_refcount(JitObj *o, void *closure) { return PyLong_FromLongLong(rt_block_refcnt(o->b)); }

static PyObject *get_address(JitObj *o, void *closure) { return PyLong_FromVoidPtr(o->b); }

static PyGetSetDef jit_getset[] = {
    {"_numba_type_name", (getter)get_type_name, NULL, "The instance type's name.", NULL},
    {"_block_refcount", (getter)get_refcount, NULL, "References to the instance's block (tests).", NULL},
    {"_meminfo_address", (getter)get_address, NULL, "The block's address: two boxes of one instance share it.", NULL},
    {NULL},
};
static PyType_Slot jit_slots[] = {
    {Py_tp_doc, "An instance of a jitclass: a box holding the compiled instance."},
    {Py_tp_dealloc, jit_dealloc},
    {Py_tp_new, jit_new},
    {Py_tp_getset, jit_getset},
    {0, NULL},
};
static PyType_Spec jit_spec = {"ember._ember.JitObject", sizeof(JitObj), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
                               jit_slots};

/* ---- the boundary (box.c, array.c's rt_typeof) ------------------------------------------ */
const Type *rt_typeof_instance(PyObject *v) { return is_instance(v) ? ((JitObj *)v)->t : NULL; }

int rt_unbox_instance(const Type *t, PyObject *o, void *out) {
    if (t->nullable && o == Py_None) {   /* OptionalType(instance): None is NULL */
        *(RtBlock **)out = NULL;
        return 0;
    }
    if (t->nullable) t = ty_class_definite(t);
    if (!is_instance(o) || ((JitObj *)o)->t != t) {
        PyErr_Format(PyExc_TypeError, "ember: cannot convert %.100s to %s", Py_TYPE(o)->tp_name, t->name);
        return -1;
    }
    RtBlock *b = ((JitObj *)o)->b;
    rt_retain(t, &b);
    *(RtBlock **)out = b;
    return 0;
}

PyObject *rt_box_instance(const Type *t, const void *p) {
    RtBlock *b = *(RtBlock *const *)p;
    if (!b && t->nullable) Py_RETURN_NONE;
    t = ty_class_definite(t);
    JitObj *o = load_base() ? NULL : (JitObj *)((PyTypeObject *)t->obj)->tp_alloc((PyTypeObject *)t->obj, 0);
    if (!o) {
        rt_release(t, &b);
        return NULL;
    }
    o->t = t;
    o->b = b;
    return (PyObject *)o;
}

/* Drop one reference to an instance's block; the last releases what its fields hold, following
 * the chain field (ty_class_chain_field) in the loop. */
void rt_instance_decref(const Type *t, RtBlock *b) {
    t = ty_class_definite(t);
    int chain = ty_class_chain_field(t);
    while (rt_block_release_last(b)) {
        char *data = ember_rt_block_data(b);
        RtBlock *next = chain >= 0 ? *(RtBlock **)(data + t->offsets[chain]) : NULL;
        for (int i = 0; i < t->n; i++)
            if (i != chain && t->fdtypes[i] < 0 && t->elems[i]) rt_release(t->elems[i], data + t->offsets[i]);   /* (NULL: deferred, never set) */
        ember_rt_block_free(b);
        b = next;
    }
}

/* jitclass_type(cls, name, serial, fields): the instance type of the jitclass whose box class is
 * cls (a JitObject subclass), fields a sequence of (name, type name); a scalar field named by a
 * dtype ("int32") is stored at that width. Returns the type's name. */
static PyObject *m_jitclass_type(PyObject *self, PyObject *args) {
    PyObject *cls, *fields;
    const char *name;
    long serial;
    if (!PyArg_ParseTuple(args, "OslO", &cls, &name, &serial, &fields)) return NULL;
    if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, base_type))
        return PyErr_Format(PyExc_TypeError, "ember: jitclass_type needs a JitObject subclass");
    PyObject *seq = PySequence_Fast(fields, "fields must be a sequence");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > 256) {
        Py_DECREF(seq);
        return PyErr_Format(PyExc_TypeError, "ember: a jitclass holds at most 256 fields");
    }
    const char *names[257];
    const Type *types[257];
    int dtypes[257];
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *fname, *tname, *end;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "ss", &fname, &tname)) {
            Py_DECREF(seq);
            return NULL;
        }
        names[i] = fname;
        dtypes[i] = -1;
        types[i] = NULL;
        for (int d = 0; d < DT_COUNT; d++)
            if (!strcmp(tname, ty_dtypes[d].name)) dtypes[i] = d;
        if (!strcmp(tname, "bool") || !strcmp(tname, "boolean")) dtypes[i] = DT_BOOL;
        if (!strcmp(tname, "deferred")) dtypes[i] = TY_FIELD_DEFERRED;   /* given by jitclass_define */
        char err[200] = "";
        if (dtypes[i] == -1 && (!(types[i] = ty_parse(tname, &end, err, sizeof err)) || *end)) {
            PyErr_Format(PyExc_TypeError, "ember: field '%s' has a type ember cannot read: %s %s", fname, tname, err);
            Py_DECREF(seq);
            return NULL;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (dtypes[i] == -1 && !ty_class_can_hold(types[i])) {
            PyErr_Format(PyExc_TypeError, "ember: a jitclass field cannot hold %s (field '%s'): numbers, arrays, "
                         "strings, tuples of them, optional numbers and tuples, lists, dicts, sets and other jitclass instances", types[i]->name, names[i]);
            Py_DECREF(seq);
            return NULL;
        }
    const Type *t = ty_class(cls, name, serial, (int)n, names, types, dtypes);
    Py_DECREF(seq);
    if (!t) return PyErr_Occurred() ? NULL : PyErr_NoMemory();
    return PyUnicode_FromString(t->name);
}

/* jitclass_define(cls, field, type name): the type of a deferred field, once its deferred_type
 * is defined: an instance type or OptionalType of one. */
static PyObject *m_jitclass_define(PyObject *self, PyObject *args) {
    PyObject *cls;
    const char *field, *tname, *end;
    if (!PyArg_ParseTuple(args, "Oss", &cls, &field, &tname)) return NULL;
    const Type *t = ty_class_of(cls);
    char err[200] = "";
    const Type *ft = ty_parse(tname, &end, err, sizeof err);
    if (!t || !ft || *end || ty_class_define(t, ty_class_field(t, field), ft))
        return PyErr_Format(PyExc_TypeError, "ember: field '%s' cannot be given type %s%s%s", field, tname,
                            err[0] ? ": " : " (a deferred field holds a jitclass instance, or None)", err);
    Py_RETURN_NONE;
}

static PyMethodDef jit_methods[] = {
    {"jitclass_type", m_jitclass_type, METH_VARARGS, "The instance type of a jitclass: (cls, name, serial, fields) -> name."},
    {"jitclass_define", m_jitclass_define, METH_VARARGS, "Give a deferred field its type: (cls, field, type name)."},
    {NULL},
};

int rt_jitclass_init(PyObject *m) {
    if (!(base_type = (PyTypeObject *)PyType_FromSpec(&jit_spec))) return -1;
    if (PyModule_AddObjectRef(m, "JitObject", (PyObject *)base_type) < 0) return -1;
    return PyModule_AddFunctions(m, jit_methods);
}
