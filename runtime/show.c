/* show.c: values laid out in compiled code's memory, described by layout letters (typeinfer/
 * types.c, ty_value_layout), as new Python objects: how print sees lists, dicts and sets and
 * whatever they hold, read for the time of the call (nothing is owned or released here).
 *
 * Letters and their memory: q Q d s (int64, uint64, float64, a string's RtStr pointer) and
 * L M S (a list's, dict's or set's block pointer; K V I a dict's keys(), values() or items()) take 8 bytes, ? and N one, D 16, A<dtype><ndim>
 * an array value {meminfo, parent, data, shape[ndim], strides[ndim]}; ( ... ) a tuple, laid out
 * as a C struct (each field at its alignment, 8 or 1). A container's letter is followed by its
 * element's letters (a dict's key's, then its value's), so "LMs(qd)" is a list of dicts of str
 * to (int64, float64) tuples. Lists: RtList's items, packed. Dicts and sets: RtDict's entries,
 * {i64 hash, i64 live, key, value}, the dead ones skipped.
 */
#include "rt.h"
#include <string.h>

static size_t round_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

size_t rt_layout_measure(const char **d, size_t *align) {
    char c = *(*d)++;
    size_t a;
    *align = 8;
    switch (c) {
    case '?': case 'N': *align = 1; return 1;
    case 'D': return 16;
    case 'A': {
        if (!(*d)[0] || !(*d)[1]) return 8;
        size_t ndim = (size_t)((*d)[1] - '0');
        *d += 2;
        return 8 * (3 + 2 * ndim);
    }
    case 'L': case 'S': rt_layout_measure(d, &a); return 8;
    case 'M': case 'K': case 'V': case 'I': rt_layout_measure(d, &a); rt_layout_measure(d, &a); return 8;
    case '(': {
        size_t off = 0, most = 1;
        while (**d && **d != ')') {
            size_t n = rt_layout_measure(d, &a);
            off = round_up(off, a) + n;
            if (a > most) most = a;
        }
        if (**d) (*d)++;
        *align = most;
        return round_up(off, most);
    }
    default: return 8;
    }
}

static PyObject *value_at(const char **d, const char *p);

/* The items of a list block, each `size` bytes, as a Python list; elem: their letters. */
static PyObject *list_at(const char *elem, RtBlock *block) {
    const char *e = elem;
    size_t a, size = rt_layout_measure(&e, &a);
    RtList *f = ember_rt_block_data(block);
    PyObject *r = PyList_New((Py_ssize_t)f->len);
    for (int64_t i = 0; r && i < f->len; i++) {
        e = elem;
        PyObject *v = value_at(&e, f->items + (size_t)i * size);
        if (!v) Py_CLEAR(r);
        else PyList_SET_ITEM(r, i, v);
    }
    return r;
}

/* A set's key at key, its letters in ctx. */
static PyObject *key_at(const char *key, void *ctx) {
    const char *d = ctx;
    return value_at(&d, key);
}

/* The live entries of a dict block as a Python dict (value letters given) or set (vals NULL). */
static PyObject *dict_at(const char *keys, const char *vals, RtBlock *block) {
    if (!vals) return rt_set_to_python(block, key_at, (void *)keys);   /* (in CPython's order) */
    const char *e = keys;
    size_t ka, va = 1, ksize = rt_layout_measure(&e, &ka);
    e = vals;
    rt_layout_measure(&e, &va);
    size_t voff = round_up(16 + ksize, va);
    RtDict *f = ember_rt_block_data(block);
    PyObject *r = PyDict_New();
    int64_t pos = 0, i;
    while (r && (i = rt_dict_order_next(block, &pos)) >= 0) {
        const char *entry = f->entries + i * f->esize;
        const char *kd = keys, *vd = vals;
        PyObject *k = value_at(&kd, entry + 16), *v = k ? value_at(&vd, entry + voff) : NULL;
        if (!k || !v || PyDict_SetItem(r, k, v)) Py_CLEAR(r);
        Py_XDECREF(k);
        Py_XDECREF(v);
    }
    return r;
}

/* The value whose letters start at *d, at p; advances d past them. */
static PyObject *value_at(const char **d, const char *p) {
    const char *start = *d;
    size_t a;
    char c = *(*d)++;
    int64_t q;
    double x[2];
    RtBlock *block;
    memcpy(&block, p, sizeof block);
    switch (c) {
    case 'q': memcpy(&q, p, 8); return PyLong_FromLongLong(q);
    case 'Q': memcpy(&q, p, 8); return PyLong_FromUnsignedLongLong((uint64_t)q);
    case '?': return PyBool_FromLong(p[0] & 1);
    case 'N': Py_RETURN_NONE;
    case 'd': memcpy(x, p, 8); return PyFloat_FromDouble(x[0]);
    case 'D': memcpy(x, p, 16); return PyComplex_FromDoubles(x[0], x[1]);
    case 's': return rt_box_str((RtStr *)block);
    case 'A':
        if (!(*d)[0] || !(*d)[1]) break;
        *d += 2;
        return rt_array_view((*d)[-2] - 'a', (*d)[-1] - '0', p);
    case 'L': {
        PyObject *r = list_at(*d, block);
        rt_layout_measure(d, &a);
        return r;
    }
    case 'S': case 'M': case 'K': case 'V': case 'I': {   /* K V I: a dict's keys(), values(), items() */
        const char *keys = *d;
        rt_layout_measure(d, &a);
        const char *vals = c != 'S' ? *d : NULL;
        if (vals) rt_layout_measure(d, &a);
        PyObject *r = dict_at(keys, vals, block);
        if (!r || c == 'S' || c == 'M') return r;
        PyObject *v = PyObject_CallMethod(r, c == 'K' ? "keys" : c == 'V' ? "values" : "items", NULL);
        Py_DECREF(r);
        return v;
    }
    case '(': {
        PyObject *items = PyList_New(0);
        size_t off = 0;
        while (items && **d && **d != ')') {
            const char *f = *d;
            size_t n = rt_layout_measure(&f, &a);
            off = round_up(off, a);
            PyObject *v = value_at(d, p + off);
            if (!v || PyList_Append(items, v)) Py_CLEAR(items);
            Py_XDECREF(v);
            off += n;
        }
        if (**d) (*d)++;
        PyObject *t = items ? PyList_AsTuple(items) : NULL;
        Py_XDECREF(items);
        return t;
    }
    }
    return PyErr_Format(PyExc_SystemError, "ember: bad value layout '%s'", start);
}

PyObject *rt_value_at(const char **desc, const void *p) { return value_at(desc, p); }
