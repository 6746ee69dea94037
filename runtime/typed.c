/* typed.c: ember.typed.List and ember.typed.Dict, Numba's typed containers, seen from Python.
 *
 * A typed container is the compiled representation itself: a Python object holding its type
 * (ListType[T] or DictType[K,V], types.h) and one reference to the runtime block (list.c's
 * RtList, dict.c's RtDict). Passing it to compiled code passes the block (one more reference, no
 * conversion, so the call costs the same for any size and the code's changes are the caller's);
 * a typed container made or returned by compiled code comes back wrapped, not converted.
 *
 * This file defines the classes List and Dict (ember._ember, heap types); ember/typed.py adds
 * to them what is Python-level (repr, pickling, comparisons, views) and registers them with
 * collections.abc as a MutableSequence and a MutableMapping. The
 * operations Python code calls often (len, items, append, iteration, get/set, in) are here, on
 * the block directly: each item converts at the boundary with the container's item type
 * (rt_unbox / rt_box), a wrong type raising TypeError.
 *
 * References: the object owns one reference to its block; items own theirs as compiled code's
 * do (an array stored from Python is first copied into a block of ember's, since the NumPy array
 * it came from may go away while the list lives). An empty List() or Dict() has no type and no
 * block until its first item gives them.
 */
#include "rt.h"
#include <string.h>

typedef struct TypedObj {
    PyObject_HEAD
    const Type *t;   /* ListType/DictType; elements NULL until the first item */
    RtBlock *b;      /* NULL while untyped */
} TypedObj;

/* The classes (heap types, so that ember/typed.py can add its Python-level methods to them; not
 * subclassable, so that CPython's specialised calls of C methods apply). Owner: this file, under
 * the GIL; an AOT module's copy of this file takes ember._ember's (load_classes). */
static PyTypeObject *list_type, *dict_type;

#define ITEM_MAX 512   /* the largest item converted through a stack buffer */

static bool is_list(PyObject *o) { return list_type && Py_IS_TYPE(o, list_type); }
static bool is_dict(PyObject *o) { return dict_type && Py_IS_TYPE(o, dict_type); }

/* ---- items across the boundary ------------------------------------------------------ */
/* What a typed container may hold, as containers.c's lists: numbers, arrays, strings, jitclass
 * instances, tuples of them, and typed containers. */
static bool holdable(const Type *t) {
    if (!t) return false;
    if (ty_is_number(t) || t->kind == TY_NARROW || t->kind == TY_ARRAY || t == ty_str || t->kind == TY_CLASS) return true;
    if ((t->kind == TY_LIST || t->kind == TY_DICT) && t->typed) return ty_is_complete(t);
    if (t->kind != TY_TUPLE) return false;
    for (int i = 0; i < t->n; i++)
        if (!holdable(t->elems[i])) return false;
    return true;
}

/* The array at p, unboxed over NumPy's memory, kept alive by a block holding its ndarray, as
 * Numba's typed containers do: the item shares the caller's memory, and reading it back gives
 * the same ndarray (rt_box_array). */
static int hold_arrays(const Type *t, char *p) {
    if (t->kind == TY_TUPLE) {
        for (int i = 0; i < t->n; i++)
            if (hold_arrays(t->elems[i], p + t->offsets[i])) return -1;
        return 0;
    }
    RtArray *r = (RtArray *)p;
    if (t->kind != TY_ARRAY || r->meminfo || !r->parent) return 0;
    return (r->meminfo = rt_block_holding(r->parent)) ? 0 : rt_error_to_python();
}

/* v as an item of type e at out, owning its references, wrapped or rounded to narrow (a sized item
 * type, ListType[uint8]; else NULL); -1 with TypeError if it is not one. */
static int to_item(const Type *e, const Type *narrow, PyObject *v, void *out) {
    if (narrow) {
        int rc = to_item(e, NULL, v, out);
        if (!rc) rt_narrow_value(narrow, out);
        return rc;
    }
    if (e == ty_float64 && PyFloat_CheckExact(v)) {
        *(double *)out = PyFloat_AS_DOUBLE(v);
        return 0;
    }
    if (e->size > ITEM_MAX) {
        PyErr_Format(PyExc_TypeError, "ember: %s is too large an item", e->name);
        return -1;
    }
    if (e->kind == TY_INT64 && PyFloat_Check(v)) {   /* rt_unbox's message, Numba's exception */
        PyErr_Format(PyExc_TypeError, "ember: cannot convert float to %s", e->name);
        return -1;
    }
    if (rt_unbox(e, v, out)) return -1;
    if (hold_arrays(e, out)) {
        rt_release(e, out);
        return -1;
    }
    return 0;
}

/* The Python object for the item at p (the container keeps its reference). */
static PyObject *from_item(const Type *e, void *p) {
    if (e == ty_float64) return PyFloat_FromDouble(*(double *)p);
    if (e == ty_int64) return PyLong_FromLongLong(*(int64_t *)p);
    rt_retain(e, p);
    return rt_box(e, p);
}

static const Type *item_type(PyObject *v) {   /* an np.float32 or np.uint8 item: that type, as Numba's */
    const Type *t = rt_typeof_argument(v);
    return t && t->kind == TY_NARROW && t != ty_state->npscalar[t->dtype] ? t : rt_typeof(v);
}

/* Type an untyped container from its first item (value) and, for a dict, key. */
static int type_from(TypedObj *o, PyObject *key, PyObject *value) {
    const Type *k = key ? item_type(key) : NULL, *v = item_type(value);
    if (!v || !holdable(v) || (key && (!k || !ty_is_hashable(ty_held(k))))) {
        PyObject *bad = !v || !holdable(v) ? value : key;
        PyErr_Format(PyExc_TypeError, "ember: a typed %s cannot hold %.100s %.100R (numbers, arrays, tuples of them "
                     "and typed containers)", key ? "Dict" : "List", Py_TYPE(bad)->tp_name, bad);
        return -1;
    }
    if (!key) {
        o->t = ty_typed_list(v);
        o->b = ember_rt_list_new((int64_t)v->size, 0);
    } else {
        o->t = ty_typed_dict(k, v);
        size_t voff, esize;
        ty_dict_entry(o->t, &voff, &esize);
        o->b = ember_rt_dict_new((int64_t)esize);
    }
    return o->b ? 0 : rt_error_to_python();
}

static const Type *parse_type(PyObject *name) {
    const char *s = PyUnicode_AsUTF8(name), *end;
    char err[200];
    if (!s) return NULL;
    const Type *t = ty_parse(s, &end, err, sizeof err);
    if (!t) PyErr_Format(PyExc_TypeError, "ember: invalid type '%s': %s", s, err);
    return t;
}

static PyObject *make(PyObject *cls, const Type *t, RtBlock *b) {
    TypedObj *o = (TypedObj *)((PyTypeObject *)cls)->tp_alloc((PyTypeObject *)cls, 0);
    if (!o) return NULL;
    o->t = t;
    o->b = b;
    return (PyObject *)o;
}

static void typed_dealloc(TypedObj *o) {
    PyTypeObject *tp = Py_TYPE(o);
    if (o->b) rt_release(o->t, &o->b);
    tp->tp_free((PyObject *)o);
    Py_DECREF(tp);   /* a heap type's instances hold a reference to it */
}

/* _init_type("ListType[float64]"): type an empty container */
static PyObject *init_type(TypedObj *o, PyObject *name) {
    bool list = is_list((PyObject *)o);
    if (o->b) return PyErr_Format(PyExc_TypeError, "ember: the container is typed already (%s)", o->t->name);
    const Type *t = parse_type(name);
    if (!t) return NULL;
    if (t->kind != (list ? TY_LIST : TY_DICT) || !t->typed)
        return PyErr_Format(PyExc_TypeError, "ember: %s is not a %s type", t->name, list ? "ListType" : "DictType");
    if (!holdable(t->elems[list ? 0 : 1]))
        return PyErr_Format(PyExc_TypeError, "ember: a typed %s cannot hold items of type %s (numbers, arrays, tuples "
                            "of them and typed containers)", list ? "List" : "Dict", t->elems[list ? 0 : 1]->name);
    size_t voff, esize;
    if (!list) ty_dict_entry(t, &voff, &esize);
    RtBlock *b = list ? ember_rt_list_new((int64_t)t->elems[0]->size, 0) : ember_rt_dict_new((int64_t)esize);
    if (!b) return rt_error_to_python(), NULL;
    o->t = t;
    o->b = b;
    Py_RETURN_NONE;
}

static PyObject *get_type_name(TypedObj *o, void *closure) {
    if (!o->b) Py_RETURN_NONE;
    return PyUnicode_FromString(o->t->name);
}

static PyObject *get_refcount(TypedObj *o, void *closure) {   /* for tests: the block's references */
    return PyLong_FromLongLong(o->b ? rt_block_refcnt(o->b) : 0);
}

/* ---- the boundary (box.c, call.c, array.c's rt_typeof) ----------------------------------- */
static int load_classes(void) {   /* an AOT module's copy of this file: ember._ember's classes */
    if (list_type) return 0;
    PyObject *m = PyImport_ImportModule("ember._ember");
    PyObject *l = m ? PyObject_GetAttrString(m, "List") : NULL, *d = l ? PyObject_GetAttrString(m, "Dict") : NULL;
    Py_XDECREF(m);
    if (!d) {
        Py_XDECREF(l);
        return -1;
    }
    list_type = (PyTypeObject *)l;   /* (references kept for the process) */
    dict_type = (PyTypeObject *)d;
    return 0;
}

const Type *rt_typeof_typed(PyObject *v) {
    if (!(is_list(v) || is_dict(v))) return NULL;
    TypedObj *o = (TypedObj *)v;
    return o->b ? o->t : NULL;
}

int rt_unbox_typed(const Type *t, PyObject *o, void *out) {
    if (!(is_list(o) || is_dict(o)) || ((TypedObj *)o)->t != t || !((TypedObj *)o)->b) {
        PyErr_Format(PyExc_TypeError, "ember: cannot convert %.100s to %s (a typed container of that type is wanted)",
                     Py_TYPE(o)->tp_name, t->name);
        return -1;
    }
    RtBlock *b = ((TypedObj *)o)->b;
    rt_retain(t, &b);
    *(RtBlock **)out = b;
    return 0;
}

PyObject *rt_box_typed(const Type *t, const void *p) {
    RtBlock *b = *(RtBlock *const *)p;
    if (load_classes()) {
        rt_release(t, &b);
        return NULL;
    }
    PyObject *r = make((PyObject *)(t->kind == TY_LIST ? list_type : dict_type), t, b);
    if (!r) rt_release(t, &b);
    return r;
}

/* ---- List --------------------------------------------------------------------------- */
static RtList *lf(TypedObj *o) { return ember_rt_block_data(o->b); }
static const Type *elem(TypedObj *o) { return o->t->elems[0]; }
static char *at(TypedObj *o, Py_ssize_t i) { return lf(o)->items + i * (int64_t)elem(o)->size; }
static Py_ssize_t list_len(TypedObj *o) { return o->b ? (Py_ssize_t)lf(o)->len : 0; }

static PyObject *list_extend(TypedObj *o, PyObject *it);

/* List() or List(iterable) */
/* List([iterable], lsttype=None, allocated=None): lsttype (Numba's keyword) types an empty list. */
static PyObject *list_new(PyTypeObject *cls, PyObject *args, PyObject *kw) {
    PyObject *it = NULL, *lsttype = kw ? PyDict_GetItemString(kw, "lsttype") : NULL;
    Py_ssize_t known = (lsttype != NULL) + (kw && PyDict_GetItemString(kw, "allocated") != NULL);
    if ((kw && PyDict_GET_SIZE(kw) > known) || !PyArg_UnpackTuple(args, "List", 0, 1, &it)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "List() takes an iterable, lsttype= and allocated=");
        return NULL;
    }
    PyObject *o = make((PyObject *)cls, ty_typed_list(NULL), NULL);
    if (o && lsttype && lsttype != Py_None) {
        PyObject *name = PyObject_GetAttrString(lsttype, "name");
        PyObject *r = name ? PyObject_CallMethod(o, "_init_type", "O", name) : NULL;
        Py_XDECREF(name);
        if (!r) Py_CLEAR(o);
        Py_XDECREF(r);
    }
    PyObject *r = o && it ? list_extend((TypedObj *)o, it) : NULL;
    if (it && !r) Py_CLEAR(o);
    Py_XDECREF(r);
    return o;
}

/* Room for one more item, typing the list from v if it has no type yet. */
static int reserve(TypedObj *o, PyObject *v, Py_ssize_t more) {
    if (!o->b && type_from(o, NULL, v)) return -1;
    RtList *f = lf(o);
    if (f->len + more > f->cap && ember_rt_list_grow(o->b, (int64_t)elem(o)->size, f->len + more))
        return rt_error_to_python();
    return 0;
}

static PyObject *list_append(TypedObj *o, PyObject *v) {
    if (o->b && elem(o) == ty_float64 && !o->t->narrow[0] && PyFloat_CheckExact(v) && lf(o)->len < lf(o)->cap) {   /* the common case */
        RtList *f = lf(o);
        ((double *)f->items)[f->len++] = PyFloat_AS_DOUBLE(v);
        Py_RETURN_NONE;
    }
    if (reserve(o, v, 1)) return NULL;
    if (to_item(elem(o), o->t->narrow[0], v, at(o, lf(o)->len))) return NULL;
    lf(o)->len++;
    Py_RETURN_NONE;
}

static PyObject *list_extend(TypedObj *o, PyObject *it) {
    if ((PyObject *)o == it) {   /* l.extend(l): a snapshot first */
        PyObject *copy = PySequence_List(it);
        PyObject *r = copy ? list_extend(o, copy) : NULL;
        Py_XDECREF(copy);
        return r;
    }
    PyObject *iter = PyObject_GetIter(it), *v;
    if (!iter) return NULL;
    Py_ssize_t hint = PyObject_LengthHint(it, 0);
    if (hint < 0) {
        PyErr_Clear();
        hint = 0;
    }
    while ((v = PyIter_Next(iter))) {
        PyObject *r = list_append(o, v);
        Py_DECREF(v);
        if (!r) break;
        Py_DECREF(r);
        if (hint > 1) {   /* typed by now: room for the rest at once */
            if (ember_rt_list_grow(o->b, (int64_t)elem(o)->size, lf(o)->len + hint - 1)) {
                rt_error_to_python();
                break;
            }
            hint = 0;
        }
    }
    Py_DECREF(iter);
    if (PyErr_Occurred()) return NULL;
    Py_RETURN_NONE;
}

static int norm_index(TypedObj *o, Py_ssize_t *i, bool clamp, const char *what) {
    Py_ssize_t n = list_len(o);
    if (*i < 0) *i += n;
    if (clamp) {
        if (*i < 0) *i = 0;
        if (*i > n) *i = n;
        return 0;
    }
    if (*i < 0 || *i >= n) {
        PyErr_SetString(PyExc_IndexError, what);
        return -1;
    }
    return 0;
}

static PyObject *list_item(TypedObj *o, Py_ssize_t i) {
    if (norm_index(o, &i, false, "list index out of range")) return NULL;
    return from_item(elem(o), at(o, i));
}

/* A new list of o's type holding the items at start, start+step, ... (n of them). */
static PyObject *list_take(TypedObj *o, Py_ssize_t start, Py_ssize_t step, Py_ssize_t n) {
    if (!o->b) return make((PyObject *)Py_TYPE(o), o->t, NULL);
    const Type *e = elem(o);
    RtBlock *b = ember_rt_list_new((int64_t)e->size, n);
    if (!b) return rt_error_to_python(), NULL;
    RtList *f = ember_rt_block_data(b);
    for (Py_ssize_t k = 0; k < n; k++) {
        char *p = at(o, start + k * step);
        rt_retain(e, p);
        memcpy(f->items + k * (int64_t)e->size, p, e->size);
    }
    f->len = n;
    return make((PyObject *)Py_TYPE(o), o->t, b);
}

static PyObject *list_subscript(TypedObj *o, PyObject *key) {
    if (PyIndex_Check(key)) {
        Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
        if (i == -1 && PyErr_Occurred()) return NULL;
        return list_item(o, i);
    }
    if (PySlice_Check(key)) {
        Py_ssize_t start, stop, step;
        if (PySlice_Unpack(key, &start, &stop, &step) < 0) return NULL;
        Py_ssize_t n = PySlice_AdjustIndices(list_len(o), &start, &stop, step);
        return list_take(o, start, step, n);
    }
    return PyErr_Format(PyExc_TypeError, "list indices must be integers or slices, not %.100s", Py_TYPE(key)->tp_name);
}

/* Replace the list's items by those of the Python list items (converted first, so a bad item
 * leaves the list as it was). */
static int list_replace(TypedObj *o, PyObject *items) {
    Py_ssize_t n = PyList_GET_SIZE(items);
    if (!o->b) {
        if (!n) return 0;
        if (type_from(o, NULL, PyList_GET_ITEM(items, 0))) return -1;
    }
    const Type *e = elem(o);
    RtBlock *b = ember_rt_list_new((int64_t)e->size, n);
    if (!b) return rt_error_to_python();
    RtList *f = ember_rt_block_data(b);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (to_item(e, o->t->narrow[0], PyList_GET_ITEM(items, i), f->items + i * (int64_t)e->size)) {
            rt_release(o->t, &b);
            return -1;
        }
        f->len = i + 1;
    }
    rt_release(o->t, &o->b);
    o->b = b;
    return 0;
}

static PyObject *m_replace(TypedObj *o, PyObject *items) {
    if (!PyList_Check(items)) return PyErr_Format(PyExc_TypeError, "_replace takes a list");
    if (list_replace(o, items)) return NULL;
    Py_RETURN_NONE;
}

static int list_ass_item(TypedObj *o, Py_ssize_t i, PyObject *v) {
    if (norm_index(o, &i, false, "list assignment index out of range")) return -1;
    const Type *e = elem(o);
    char *p = at(o, i);
    if (!v) {   /* del l[i] */
        rt_release(e, p);
        RtList *f = lf(o);
        memmove(p, p + e->size, (size_t)((f->len - i - 1) * (int64_t)e->size));
        f->len--;
        return 0;
    }
    _Alignas(16) char buf[ITEM_MAX];
    if (to_item(e, o->t->narrow[0], v, buf)) return -1;
    rt_release(e, p);
    memcpy(p, buf, e->size);
    return 0;
}

static int list_ass_subscript(TypedObj *o, PyObject *key, PyObject *v) {
    if (PyIndex_Check(key)) {
        Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
        if (i == -1 && PyErr_Occurred()) return -1;
        return list_ass_item(o, i, v);
    }
    if (!PySlice_Check(key)) {
        PyErr_Format(PyExc_TypeError, "list indices must be integers or slices, not %.100s", Py_TYPE(key)->tp_name);
        return -1;
    }
    /* slices: as a Python list does it, then back (O(n), as the operation is) */
    PyObject *items = PySequence_List((PyObject *)o);
    int r = !items ? -1 : v ? PyObject_SetItem(items, key, v) : PyObject_DelItem(items, key);
    if (r == 0) r = list_replace(o, items);
    Py_XDECREF(items);
    return r;
}

static PyObject *list_insert(TypedObj *o, PyObject *const *args, Py_ssize_t n) {
    if (n != 2) return PyErr_Format(PyExc_TypeError, "insert expected 2 arguments, got %zd", n);
    Py_ssize_t i = PyNumber_AsSsize_t(args[0], PyExc_OverflowError);
    if (i == -1 && PyErr_Occurred()) return NULL;
    if (reserve(o, args[1], 1)) return NULL;
    norm_index(o, &i, true, NULL);
    const Type *e = elem(o);
    _Alignas(16) char buf[ITEM_MAX];
    if (to_item(e, o->t->narrow[0], args[1], buf)) return NULL;
    RtList *f = lf(o);
    char *p = at(o, i);
    memmove(p + e->size, p, (size_t)((f->len - i) * (int64_t)e->size));
    memcpy(p, buf, e->size);
    f->len++;
    Py_RETURN_NONE;
}

static PyObject *list_pop(TypedObj *o, PyObject *const *args, Py_ssize_t n) {
    Py_ssize_t i = -1;
    if (n > 1) return PyErr_Format(PyExc_TypeError, "pop expected at most 1 argument, got %zd", n);
    if (n && (i = PyNumber_AsSsize_t(args[0], PyExc_IndexError)) == -1 && PyErr_Occurred()) return NULL;
    if (!list_len(o)) return PyErr_Format(PyExc_IndexError, "pop from empty list");
    if (norm_index(o, &i, false, "pop index out of range")) return NULL;
    const Type *e = elem(o);
    char *p = at(o, i);
    PyObject *r = rt_box(e, p);   /* takes over the list's reference (dropped with a failed box: out anyway) */
    RtList *f = lf(o);
    memmove(p, p + e->size, (size_t)((f->len - i - 1) * (int64_t)e->size));
    f->len--;
    return r;
}

/* The first index in [start, stop) whose item equals v, -1 if none, -2 on error. */
static Py_ssize_t find(TypedObj *o, PyObject *v, Py_ssize_t start, Py_ssize_t stop) {
    const Type *e = o->b ? elem(o) : NULL;
    if (e == ty_float64 && PyFloat_CheckExact(v)) {   /* the common cases, without boxing each item */
        double x = PyFloat_AS_DOUBLE(v);
        for (Py_ssize_t i = start; i < stop && i < list_len(o); i++)
            if (((double *)lf(o)->items)[i] == x) return i;
        return -1;
    }
    if (e == ty_int64 && PyLong_CheckExact(v)) {
        int overflow;
        long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (overflow) return -1;
        for (Py_ssize_t i = start; i < stop && i < list_len(o); i++)
            if (((int64_t *)lf(o)->items)[i] == x) return i;
        return -1;
    }
    for (Py_ssize_t i = start; i < stop && i < list_len(o); i++) {
        PyObject *x = from_item(e, at(o, i));
        int eq = x ? PyObject_RichCompareBool(x, v, Py_EQ) : -1;
        Py_XDECREF(x);
        if (eq < 0) return -2;
        if (eq) return i;
    }
    return -1;
}

static int list_contains(TypedObj *o, PyObject *v) {
    Py_ssize_t i = find(o, v, 0, PY_SSIZE_T_MAX);
    return i == -2 ? -1 : i >= 0;
}

static PyObject *list_index(TypedObj *o, PyObject *const *args, Py_ssize_t n) {
    Py_ssize_t start = 0, stop = PY_SSIZE_T_MAX;
    if (n < 1 || n > 3) return PyErr_Format(PyExc_TypeError, "index expected 1 to 3 arguments, got %zd", n);
    if (n > 1 && (start = PyNumber_AsSsize_t(args[1], NULL)) == -1 && PyErr_Occurred()) return NULL;
    if (n > 2 && (stop = PyNumber_AsSsize_t(args[2], NULL)) == -1 && PyErr_Occurred()) return NULL;
    Py_ssize_t len = list_len(o);
    if (start < 0 && (start += len) < 0) start = 0;
    if (stop < 0 && (stop += len) < 0) stop = 0;
    Py_ssize_t i = find(o, args[0], start, stop);
    if (i == -2) return NULL;
    if (i < 0) return PyErr_Format(PyExc_ValueError, "%R is not in list", args[0]);
    return PyLong_FromSsize_t(i);
}

static PyObject *list_count(TypedObj *o, PyObject *v) {
    Py_ssize_t c = 0, i = 0;
    while ((i = find(o, v, i, PY_SSIZE_T_MAX)) >= 0) c++, i++;
    if (i == -2) return NULL;
    return PyLong_FromSsize_t(c);
}

static PyObject *list_remove(TypedObj *o, PyObject *v) {
    Py_ssize_t i = find(o, v, 0, PY_SSIZE_T_MAX);
    if (i == -2) return NULL;
    if (i < 0) return PyErr_Format(PyExc_ValueError, "list.remove(x): x not in list");
    if (list_ass_item(o, i, NULL)) return NULL;
    Py_RETURN_NONE;
}

static PyObject *list_reverse(TypedObj *o, PyObject *unused) {
    Py_ssize_t n = list_len(o);
    if (n < 2) Py_RETURN_NONE;
    size_t s = elem(o)->size;
    _Alignas(16) char tmp[ITEM_MAX];
    for (Py_ssize_t i = 0, j = n - 1; i < j; i++, j--) {
        memcpy(tmp, at(o, i), s);
        memcpy(at(o, i), at(o, j), s);
        memcpy(at(o, j), tmp, s);
    }
    Py_RETURN_NONE;
}

static PyObject *list_clear(TypedObj *o, PyObject *unused) {
    if (!o->b) Py_RETURN_NONE;
    const Type *e = elem(o);
    RtList *f = lf(o);
    int64_t n = f->len;
    f->len = 0;
    if (ty_has_refs(e))
        for (int64_t i = 0; i < n; i++) rt_release(e, f->items + i * (int64_t)e->size);
    Py_RETURN_NONE;
}

static PyObject *list_copy(TypedObj *o, PyObject *unused) { return list_take(o, 0, 1, list_len(o)); }

/* A list iterator: live over the list, as Python's (an index, stopping at the current end). */
typedef struct { PyObject_HEAD TypedObj *o; Py_ssize_t i; } ListIter;
static void iter_dealloc(ListIter *it) {
    Py_XDECREF(it->o);
    PyObject_Free(it);
}
static PyObject *listiter_next(ListIter *it) {
    if (!it->o || it->i >= list_len(it->o)) {
        Py_CLEAR(it->o);
        return NULL;
    }
    return from_item(elem(it->o), at(it->o, it->i++));
}
static PyTypeObject ListIterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ember.typed.ListIterator",
    .tp_basicsize = sizeof(ListIter),
    .tp_dealloc = (destructor)iter_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)listiter_next,
};
static PyObject *make_iter(PyTypeObject *type, TypedObj *o) {
    ListIter *it = PyObject_New(ListIter, type);
    if (!it) return NULL;
    it->o = (TypedObj *)Py_NewRef(o);
    it->i = 0;
    return (PyObject *)it;
}
static PyObject *list_iter(TypedObj *o) { return make_iter(&ListIterType, o); }

static PyMethodDef list_methods[] = {
    {"append", (PyCFunction)list_append, METH_O, "Append an item (converted to the item type)."},
    {"extend", (PyCFunction)list_extend, METH_O, "Append the items of an iterable."},
    {"insert", (PyCFunction)(void (*)(void))list_insert, METH_FASTCALL, "Insert an item before an index."},
    {"pop", (PyCFunction)(void (*)(void))list_pop, METH_FASTCALL, "Remove and return the item at an index (last by default)."},
    {"index", (PyCFunction)(void (*)(void))list_index, METH_FASTCALL, "The first index of a value."},
    {"count", (PyCFunction)list_count, METH_O, "How many items equal a value."},
    {"remove", (PyCFunction)list_remove, METH_O, "Remove the first item equal to a value."},
    {"reverse", (PyCFunction)list_reverse, METH_NOARGS, "Reverse in place."},
    {"clear", (PyCFunction)list_clear, METH_NOARGS, "Remove every item."},
    {"copy", (PyCFunction)list_copy, METH_NOARGS, "A shallow copy, of the same type."},
    {"_replace", (PyCFunction)m_replace, METH_O, "Replace the items by those of a Python list (converted first)."},
    {"_init_type", (PyCFunction)init_type, METH_O, "Type an empty list: _init_type('ListType[float64]')."},
    {NULL},
};
static PyGetSetDef typed_getset[] = {
    {"_type_name", (getter)get_type_name, NULL, "The ListType/DictType name, None while untyped.", NULL},
    {"_block_refcount", (getter)get_refcount, NULL, "References to the runtime block (tests).", NULL},
    {NULL},
};
static PyType_Slot list_slots[] = {
    {Py_tp_doc, "A list of one item type (Numba's typed.List): List(), List(iterable), List.empty_list(item_type)."},
    {Py_tp_dealloc, typed_dealloc},
    {Py_tp_new, list_new},
    {Py_sq_length, list_len},
    {Py_sq_item, list_item},
    {Py_sq_contains, list_contains},
    {Py_mp_length, list_len},
    {Py_mp_subscript, list_subscript},
    {Py_mp_ass_subscript, list_ass_subscript},
    {Py_tp_iter, list_iter},
    {Py_tp_methods, list_methods},
    {Py_tp_getset, typed_getset},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {0, NULL},
};
static PyType_Spec list_spec = {"ember.typed.List", sizeof(TypedObj), 0, Py_TPFLAGS_DEFAULT, list_slots};

/* ---- Dict --------------------------------------------------------------------------- */
static RtDict *df(TypedObj *o) { return ember_rt_block_data(o->b); }
static Py_ssize_t dict_len(TypedObj *o) { return o->b ? (Py_ssize_t)df(o)->len : 0; }
static char *entry(TypedObj *o, int64_t i) { return df(o)->entries + i * df(o)->esize; }
static size_t value_offset(TypedObj *o) {
    size_t voff, esize;
    ty_dict_entry(o->t, &voff, &esize);
    return voff;
}

static PyObject *dict_new(PyTypeObject *cls, PyObject *args, PyObject *kw) {
    return make((PyObject *)cls, ty_typed_dict(NULL, NULL), NULL);
}

/* Convert key k into raw (a reference of the caller's, for a key holding strings) and its
 * canonical bytes at key, its layout letters into desc; 1 when k cannot be a key of this dict
 * (a lookup then finds nothing), -1 on other errors. The table takes its own references to a
 * key's strings when it makes an entry and drops them when it removes one (dict.c). */
static int key_of(TypedObj *o, PyObject *k, char *raw, char *key, char *desc, size_t len, bool strict) {
    const Type *kt = o->t->elems[0];
    memset(raw, 0, ITEM_MAX);
    memset(key, 0, ITEM_MAX);
    if (kt->size > ITEM_MAX) return PyErr_Format(PyExc_TypeError, "ember: key too large"), -1;
    if ((kt == ty_int64 || kt == ty_uint64) && PyFloat_Check(k)) {   /* 1.0 finds 1, as in Python; 1.5 nothing */
        double d = PyFloat_AS_DOUBLE(k);
        if (strict || !(d >= -9.2e18 && d <= 9.2e18) || d != (double)(int64_t)d) {
            if (strict) PyErr_Format(PyExc_TypeError, "ember: cannot convert float to %s", kt->name);
            return strict ? -1 : 1;
        }
        *(int64_t *)raw = (int64_t)d;
    } else if (rt_unbox(kt, k, raw)) {
        if (strict || !PyErr_ExceptionMatches(PyExc_TypeError)) return -1;
        PyErr_Clear();
        return 1;
    }
    rt_narrow_value(o->t->narrow[0], raw);   /* a DictType[uint8,...] looks 300 up as 44, as compiled code */
    rt_dict_key(kt, raw, key);
    desc[0] = 0;
    ty_value_layout(kt, desc, len, false);
    return 0;
}

static int64_t dict_find(TypedObj *o, PyObject *k) {   /* the entry, -1 if absent, -2 on error */
    if (!o->b) return -1;
    _Alignas(16) char raw[ITEM_MAX], key[ITEM_MAX];
    char desc[128];
    int r = key_of(o, k, raw, key, desc, sizeof desc, false);
    if (r) return r < 0 ? -2 : -1;
    int64_t i = ember_rt_dict_lookup(o->b, desc, (int64_t)o->t->elems[0]->size, key);
    rt_release(o->t->elems[0], raw);
    return i;
}

static PyObject *dict_subscript(TypedObj *o, PyObject *k) {
    int64_t i = dict_find(o, k);
    if (i == -2) return NULL;
    if (i < 0) {
        PyObject *tup = PyTuple_Pack(1, k);
        if (tup) PyErr_SetObject(PyExc_KeyError, tup);
        Py_XDECREF(tup);
        return NULL;
    }
    return from_item(o->t->elems[1], entry(o, i) + value_offset(o));
}

static int dict_set(TypedObj *o, PyObject *k, PyObject *v) {
    if (!o->b && type_from(o, k, v)) return -1;
    const Type *kt = o->t->elems[0], *vt = o->t->elems[1];
    _Alignas(16) char raw[ITEM_MAX], key[ITEM_MAX], val[ITEM_MAX];
    char desc[128];
    if (vt->size > ITEM_MAX) return PyErr_Format(PyExc_TypeError, "ember: value too large"), -1;
    if (key_of(o, k, raw, key, desc, sizeof desc, true)) return -1;
    if (to_item(vt, o->t->narrow[1], v, val)) {
        rt_release(kt, raw);
        return -1;
    }
    int64_t s = ember_rt_dict_slot(o->b, desc, (int64_t)kt->size, key);
    rt_release(kt, raw);
    if (s < 0) {
        rt_release(vt, val);
        return rt_error_to_python();
    }
    char *p = entry(o, s / 2) + value_offset(o);
    if (!(s & 1)) rt_release(vt, p);
    memcpy(p, val, vt->size);
    return 0;
}

/* Remove k's entry and give its value's reference to the caller at out; 1 if k is absent. */
static int dict_take(TypedObj *o, PyObject *k, void *out) {
    _Alignas(16) char raw[ITEM_MAX], key[ITEM_MAX];
    char desc[128];
    int r = key_of(o, k, raw, key, desc, sizeof desc, false);
    if (r) return r;
    const Type *kt = o->t->elems[0];
    int64_t i = ember_rt_dict_remove(o->b, desc, (int64_t)kt->size, key);
    rt_release(kt, raw);
    if (i < 0) return 1;
    memcpy(out, entry(o, i) + value_offset(o), o->t->elems[1]->size);
    return 0;
}

static int dict_ass_subscript(TypedObj *o, PyObject *k, PyObject *v) {
    if (v) return dict_set(o, k, v);
    _Alignas(16) char val[ITEM_MAX];
    int r = o->b ? dict_take(o, k, val) : 1;
    if (r == 1) {
        PyObject *tup = PyTuple_Pack(1, k);
        if (tup) PyErr_SetObject(PyExc_KeyError, tup);
        Py_XDECREF(tup);
    }
    if (r) return -1;
    rt_release(o->t->elems[1], val);
    return 0;
}

static int dict_contains(TypedObj *o, PyObject *k) {
    int64_t i = dict_find(o, k);
    return i == -2 ? -1 : i >= 0;
}

static PyObject *dict_get(TypedObj *o, PyObject *const *args, Py_ssize_t n) {
    if (n < 1 || n > 2) return PyErr_Format(PyExc_TypeError, "get expected 1 or 2 arguments, got %zd", n);
    int64_t i = dict_find(o, args[0]);
    if (i == -2) return NULL;
    if (i < 0) return Py_NewRef(n == 2 ? args[1] : Py_None);
    return from_item(o->t->elems[1], entry(o, i) + value_offset(o));
}

static PyObject *dict_setdefault(TypedObj *o, PyObject *const *args, Py_ssize_t n) {
    if (n < 1 || n > 2) return PyErr_Format(PyExc_TypeError, "setdefault expected 1 or 2 arguments, got %zd", n);
    int64_t i = dict_find(o, args[0]);
    if (i == -2) return NULL;
    if (i >= 0) return from_item(o->t->elems[1], entry(o, i) + value_offset(o));
    PyObject *d = n == 2 ? args[1] : Py_None;
    if (dict_set(o, args[0], d)) return NULL;
    return dict_subscript(o, args[0]);
}

static PyObject *dict_pop(TypedObj *o, PyObject *const *args, Py_ssize_t n) {
    if (n < 1 || n > 2) return PyErr_Format(PyExc_TypeError, "pop expected 1 or 2 arguments, got %zd", n);
    _Alignas(16) char val[ITEM_MAX];
    int r = o->b ? dict_take(o, args[0], val) : 1;
    if (r < 0) return NULL;
    if (r == 1) {
        if (n == 2) return Py_NewRef(args[1]);
        PyObject *tup = PyTuple_Pack(1, args[0]);
        if (tup) PyErr_SetObject(PyExc_KeyError, tup);
        Py_XDECREF(tup);
        return NULL;
    }
    return rt_box(o->t->elems[1], val);   /* takes over the reference */
}

static PyObject *dict_popitem(TypedObj *o, PyObject *unused) {
    if (!dict_len(o)) return PyErr_Format(PyExc_KeyError, "popitem(): dictionary is empty");
    int64_t last = df(o)->used - 1;   /* the last live entry (len > 0: there is one) */
    while (!*(int64_t *)(entry(o, last) + 8)) last--;
    const Type *kt = o->t->elems[0];
    PyObject *key = from_item(kt, entry(o, last) + 16);
    if (!key) return NULL;
    PyObject *v = dict_pop(o, &key, 1);
    PyObject *r = v ? PyTuple_Pack(2, key, v) : NULL;
    Py_DECREF(key);
    Py_XDECREF(v);
    return r;
}

static PyObject *dict_clear(TypedObj *o, PyObject *unused) {
    if (!o->b) Py_RETURN_NONE;
    const Type *kt = o->t->elems[0], *vt = o->t->elems[1];
    size_t voff = value_offset(o);
    for (int64_t k = 0; (k = ember_rt_dict_next(o->b, k)) >= 0; k++) {
        rt_release(vt, entry(o, k) + voff);
        if (ty_has_refs(kt)) rt_release(kt, entry(o, k) + 16);
    }
    ember_rt_dict_clear(o->b);
    Py_RETURN_NONE;
}

static PyObject *dict_copy(TypedObj *o, PyObject *unused) {
    PyObject *r = make((PyObject *)Py_TYPE(o), o->t, NULL);
    if (!r || !o->b) return r;
    const Type *vt = o->t->elems[1];
    size_t voff = value_offset(o);
    for (int64_t k = 0; (k = ember_rt_dict_next(o->b, k)) >= 0; k++) {   /* (keys and values as they are) */
        PyObject *key = from_item(o->t->elems[0], entry(o, k) + 16), *v = key ? from_item(vt, entry(o, k) + voff) : NULL;
        int bad = !v || dict_set((TypedObj *)r, key, v);
        Py_XDECREF(key);
        Py_XDECREF(v);
        if (bad) {
            Py_DECREF(r);
            return NULL;
        }
    }
    return r;
}

/* items() / keys() / values() as Python lists (snapshots; typed.py wraps them in views) */
static PyObject *dict_snapshot(TypedObj *o, int what) {   /* 0 keys, 1 values, 2 items */
    PyObject *r = PyList_New(dict_len(o));
    if (!r || !o->b) return r;
    const Type *kt = o->t->elems[0], *vt = o->t->elems[1];
    size_t voff = value_offset(o);
    Py_ssize_t j = 0;
    for (int64_t k = 0; (k = ember_rt_dict_next(o->b, k)) >= 0; k++) {
        PyObject *key = what != 1 ? from_item(kt, entry(o, k) + 16) : NULL;
        PyObject *v = what != 0 ? from_item(vt, entry(o, k) + voff) : NULL;
        PyObject *x = what == 0 ? key : what == 1 ? v : key && v ? PyTuple_Pack(2, key, v) : NULL;
        if (what == 2) {
            Py_XDECREF(key);
            Py_XDECREF(v);
        }
        if (!x) {
            Py_DECREF(r);
            return NULL;
        }
        PyList_SET_ITEM(r, j++, x);
    }
    return r;
}
static PyObject *dict_keys_list(TypedObj *o, PyObject *u) { return dict_snapshot(o, 0); }
static PyObject *dict_values_list(TypedObj *o, PyObject *u) { return dict_snapshot(o, 1); }
static PyObject *dict_items_list(TypedObj *o, PyObject *u) { return dict_snapshot(o, 2); }

/* Iteration over the keys in insertion order, live as a dict's (a changed size is an error). */
typedef struct { PyObject_HEAD TypedObj *o; Py_ssize_t i, len0; } DictIter;   /* (ListIter's first fields) */
static PyObject *dictiter_next(DictIter *it) {
    if (!it->o || !it->o->b) return NULL;
    if (dict_len(it->o) != it->len0) {   /* as Python's dicts: adding keys while iterating never ends */
        Py_CLEAR(it->o);
        return PyErr_Format(PyExc_RuntimeError, "dictionary changed size during iteration");
    }
    int64_t k = ember_rt_dict_next(it->o->b, it->i);
    if (k < 0) {
        Py_CLEAR(it->o);
        return NULL;
    }
    it->i = k + 1;
    return from_item(it->o->t->elems[0], entry(it->o, k) + 16);
}
static PyTypeObject DictIterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ember.typed.DictKeyIterator",
    .tp_basicsize = sizeof(DictIter),
    .tp_dealloc = (destructor)iter_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)dictiter_next,
};
static PyObject *dict_iter(TypedObj *o) {
    DictIter *it = (DictIter *)make_iter(&DictIterType, o);
    if (it) it->len0 = dict_len(o);
    return (PyObject *)it;
}

static PyMethodDef dict_methods[] = {
    {"get", (PyCFunction)(void (*)(void))dict_get, METH_FASTCALL, "d[k] if k is in d, else default."},
    {"setdefault", (PyCFunction)(void (*)(void))dict_setdefault, METH_FASTCALL, "d[k], set to default first if absent."},
    {"pop", (PyCFunction)(void (*)(void))dict_pop, METH_FASTCALL, "Remove k and return its value (or default)."},
    {"popitem", (PyCFunction)dict_popitem, METH_NOARGS, "Remove and return the last inserted (key, value)."},
    {"clear", (PyCFunction)dict_clear, METH_NOARGS, "Remove every item."},
    {"copy", (PyCFunction)dict_copy, METH_NOARGS, "A shallow copy, of the same type."},
    {"_keys", (PyCFunction)dict_keys_list, METH_NOARGS, "The keys, as a list."},
    {"_values", (PyCFunction)dict_values_list, METH_NOARGS, "The values, as a list."},
    {"_items", (PyCFunction)dict_items_list, METH_NOARGS, "The (key, value) pairs, as a list."},
    {"_init_type", (PyCFunction)init_type, METH_O, "Type an empty dict: _init_type('DictType[int64,float64]')."},
    {NULL},
};
static PyType_Slot dict_slots[] = {
    {Py_tp_doc, "A dict of one key type and one value type (Numba's typed.Dict): Dict(), Dict.empty(key_type, value_type)."},
    {Py_tp_dealloc, typed_dealloc},
    {Py_tp_new, dict_new},
    {Py_sq_contains, dict_contains},
    {Py_mp_length, dict_len},
    {Py_mp_subscript, dict_subscript},
    {Py_mp_ass_subscript, dict_ass_subscript},
    {Py_tp_iter, dict_iter},
    {Py_tp_methods, dict_methods},
    {Py_tp_getset, typed_getset},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {0, NULL},
};
static PyType_Spec dict_spec = {"ember.typed.Dict", sizeof(TypedObj), 0, Py_TPFLAGS_DEFAULT, dict_slots};

int rt_typed_init(PyObject *m) {
    if (PyType_Ready(&ListIterType) < 0 || PyType_Ready(&DictIterType) < 0) return -1;
    list_type = (PyTypeObject *)PyType_FromSpec(&list_spec);
    dict_type = (PyTypeObject *)PyType_FromSpec(&dict_spec);
    if (!list_type || !dict_type) return -1;
    if (PyModule_AddObjectRef(m, "List", (PyObject *)list_type) < 0 ||
        PyModule_AddObjectRef(m, "Dict", (PyObject *)dict_type) < 0)
        return -1;
    return 0;
}
