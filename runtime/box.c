/* box.c: boxing and unboxing by type, shared by the Dispatcher and (later) AOT modules.
 *
 * Unboxing converts to the parameter's type as Numba does for explicit signatures: an int or bool
 * becomes a float or complex where one is wanted; nothing narrows. Values are laid out as the
 * type's size, alignment and offsets say (types.c), which match LLVM's layout of the same type.
 */
#include "rt.h"
#include <string.h>

int rt_unbox(const Type *t, PyObject *o, void *out) {
    if (ty_is_number(t) && !PyLong_Check(o) && !PyFloat_Check(o) && !PyComplex_Check(o)) {
        int r = rt_unbox_numpy_scalar(t, o, out);
        if (r <= 0) return r;
    }
    switch (t->kind) {
    case TY_ARRAY: case TY_RECARRAY:
        if (rt_unbox_array(t, o, out) == 0) return 0;
        break;
    case TY_RECORD:
        if (rt_unbox_record(t, o, out) == 0) return 0;
        break;
    case TY_RNG: {
        int r = rt_unbox_generator(o, out);
        if (r <= 0) return r;
        break;
    }
    case TY_LIST:
        return t->typed ? rt_unbox_typed(t, o, out) : rt_unbox_list(t, o, out);
    case TY_DICT:
        return t->typed ? rt_unbox_typed(t, o, out) : rt_unbox_dict(t, o, out);
    case TY_SET:
        return rt_unbox_set(t, o, out);
    case TY_CLASS:
        return rt_unbox_instance(t, o, out);
    case TY_ENUM: {   /* a member of its class: its value */
        if (Py_TYPE(o) != (PyTypeObject *)t->obj) break;
        PyObject *v = PyObject_GetAttrString(o, "value");
        int r = v ? rt_unbox(t->elems[0], v, out) : -1;
        Py_XDECREF(v);
        return r;
    }
    case TY_BOOL:
        if (!PyBool_Check(o)) break;
        *(unsigned char *)out = o == Py_True;
        return 0;
    case TY_INT64: {
        if (!PyLong_Check(o)) break;
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (overflow) {
            PyErr_SetString(PyExc_OverflowError, "ember: int argument does not fit in int64");
            return -1;
        }
        *(int64_t *)out = v;
        return 0;
    }
    case TY_UINT64: {
        if (!PyLong_Check(o)) break;
        unsigned long long v = PyLong_AsUnsignedLongLong(o);
        if (v == (unsigned long long)-1 && PyErr_Occurred()) {
            PyErr_SetString(PyExc_OverflowError, "ember: int argument does not fit in uint64");
            return -1;
        }
        *(uint64_t *)out = v;
        return 0;
    }
    case TY_FLOAT64:
        if (PyFloat_Check(o)) { *(double *)out = PyFloat_AS_DOUBLE(o); return 0; }
        if (PyLong_Check(o)) {
            double d = PyLong_AsDouble(o);
            if (d == -1.0 && PyErr_Occurred()) return -1;
            *(double *)out = d;
            return 0;
        }
        break;
    case TY_COMPLEX128:
        if (PyComplex_Check(o) || PyFloat_Check(o) || PyLong_Check(o)) {
            Py_complex c = PyComplex_AsCComplex(o);
            if (c.real == -1.0 && PyErr_Occurred()) return -1;
            memcpy(out, &c, sizeof c);
            return 0;
        }
        break;
    case TY_STR:
        if (!PyUnicode_Check(o)) break;
        return (*(RtStr **)out = rt_unbox_str(o)) ? 0 : -1;
    case TY_NONE:
        if (o != Py_None) break;
        *(unsigned char *)out = 0;
        return 0;
    case TY_TYPEREF:   /* a type object argument (types.Tuple(...)): its type says all */
        *(unsigned char *)out = 0;
        return 0;
    case TY_DTYPE: case TY_RECDTYPE:   /* a dtype argument: its type says all (a byte no one reads) */
        if (rt_typeof(o) != t && (t->kind != TY_DTYPE || rt_dtype_of_type_object(o) != t->dtype)) break;   /* (or types.float64) */
        *(unsigned char *)out = 0;
        return 0;
    case TY_OPTIONAL:   /* {is T, T}: None, or a value of T */
        memset(out, 0, (size_t)t->size);
        if (o == Py_None) return 0;
        *(unsigned char *)out = 1;
        return rt_unbox(t->elems[1], o, (char *)out + t->offsets[1]);
    case TY_TUPLE:
        if (!PyTuple_Check(o) || PyTuple_GET_SIZE(o) != t->n) break;
        for (int i = 0; i < t->n; i++)
            if (rt_unbox(t->elems[i], PyTuple_GET_ITEM(o, i), (char *)out + t->offsets[i])) {
                while (i--) rt_release(t->elems[i], (char *)out + t->offsets[i]);   /* (strings unboxed already) */
                return -1;
            }
        return 0;
    case TY_FUNCPTR: {   /* FunctionType: the native function of the argument's specialisation (pymodule/dispatcher.c) */
        PyObject *a = PyObject_HasAttrString(o, "_ember_address") ? PyObject_CallMethod(o, "_ember_address", "s", t->name) : NULL;
        if (!a && PyErr_Occurred()) return -1;
        void *p = a ? PyLong_AsVoidPtr(a) : NULL;
        Py_XDECREF(a);
        if (!p) break;
        *(void **)out = p;
        return 0;
    }
    case TY_SLICE: {   /* {start, stop, step}: the parts given, as PySlice_Unpack clamps them */
        Py_ssize_t part[3];
        if (!PySlice_Check(o) || rt_slice_mask(o) != t->n) break;
        if (PySlice_Unpack(o, &part[0], &part[1], &part[2]) < 0) return -1;   /* (a zero step: ValueError) */
        for (int i = 0; i < 3; i++) ((int64_t *)out)[i] = part[i];
        return 0;
    }
    case TY_OMITTED: return 0;   /* a default left out: the specialisation's constant, no bytes */
    case TY_DISPATCHER: case TY_CFUNC:   /* a function passed as an argument: known by its type, no bytes */
        if (o == t->obj) return 0;
        if (t->kind == TY_DISPATCHER && !strcmp(Py_TYPE(o)->tp_name, "CFunc")) {   /* an @cfunc: its @njit twin */
            PyObject *twin = PyObject_GetAttrString(o, "_njit");
            Py_XDECREF(twin);   /* the CFunc keeps it */
            PyErr_Clear();
            if (twin == t->obj) return 0;
        }
        break;
    default:
        break;
    }
    PyErr_Format(PyExc_TypeError, "ember: cannot convert %.100s to %s", Py_TYPE(o)->tp_name, t->name);
    return -1;
}

PyObject *rt_box(const Type *t, const void *p) {
    switch (t->kind) {
    case TY_NONE: Py_RETURN_NONE;
    case TY_BOOL: return PyBool_FromLong(*(const unsigned char *)p & 1);
    case TY_INT64: return PyLong_FromLongLong(*(const int64_t *)p);
    case TY_UINT64: return PyLong_FromUnsignedLongLong(*(const uint64_t *)p);
    case TY_FLOAT64: return PyFloat_FromDouble(*(const double *)p);
    case TY_COMPLEX128: {
        const double *d = p;
        return PyComplex_FromDoubles(d[0], d[1]);
    }
    case TY_ARRAY: case TY_RECARRAY: return rt_box_array(t, p);
    case TY_RECORD: return rt_box_record(t, p);
    case TY_SLICE: {   /* the parts given; None for the others */
        PyObject *part[3] = {NULL, NULL, NULL}, *sl = NULL;
        for (int i = 0; i < 3; i++)
            if ((t->n >> i & 1) && !(part[i] = PyLong_FromLongLong(((const int64_t *)p)[i]))) goto slice_done;
        sl = PySlice_New(part[0], part[1], part[2]);
    slice_done:
        for (int i = 0; i < 3; i++) Py_XDECREF(part[i]);
        return sl;
    }
    case TY_DTYPE: case TY_RECDTYPE: return rt_box_dtype(t);
    case TY_GENERATOR: return rt_box_generator(t, *(void *const *)p);
    case TY_DISPATCHER: return Py_NewRef(t->obj);   /* a compiled function returned: known by its type */
    case TY_OPTIONAL:   /* {is T, T} */
        if (!(*(const unsigned char *)p & 1)) Py_RETURN_NONE;
        return rt_box(t->elems[1], (const char *)p + t->offsets[1]);
    case TY_LIST: return t->typed ? rt_box_typed(t, p) : rt_box_list(t, p);
    case TY_DICT: {   /* a view (d.keys() ...) comes back as that view of the boxed dict */
        PyObject *d = t->typed ? rt_box_typed(t, p) : rt_box_dict(t, p);
        if (!d || !t->attr) return d;
        PyObject *v = PyObject_CallMethod(d, t->attr, NULL);
        Py_DECREF(d);
        return v;
    }
    case TY_SET: return rt_box_set(t, p);
    case TY_CLASS: return rt_box_instance(t, p);
    case TY_ENUM: {   /* the member of that value: the class called with it */
        PyObject *v = rt_box(t->elems[0], p);
        PyObject *m = v ? PyObject_CallOneArg(t->obj, v) : NULL;
        Py_XDECREF(v);
        return m;
    }
    case TY_STR: {
        RtStr *s = *(RtStr *const *)p;
        PyObject *o = rt_box_str(s);
        rt_block_decref((RtBlock *)s);
        return o;
    }
    case TY_TUPLE: {
        PyObject *tup = PyTuple_New(t->n);
        for (int i = 0; i < t->n; i++) {
            PyObject *item = tup ? rt_box(t->elems[i], (const char *)p + t->offsets[i]) : NULL;
            if (!item) {   /* release what the remaining elements hold */
                for (int j = i + 1; j < t->n; j++) rt_release(t->elems[j], (char *)p + t->offsets[j]);
                Py_XDECREF(tup);
                tup = NULL;
                if (!PyErr_Occurred()) PyErr_NoMemory();
                continue;
            }
            PyTuple_SET_ITEM(tup, i, item);
        }
        if (tup && t->obj) {   /* a namedtuple: an instance of its class */
            PyObject *inst = PyObject_CallObject(t->obj, tup);
            Py_DECREF(tup);
            return inst;
        }
        return tup;
    }
    case TY_FUNCPTR:   /* a compiled caller takes it (choose(i)(x)); Python has no object for it */
        PyErr_Format(PyExc_TypeError, "ember: cannot return a function chosen at run time (%s) to Python; "
                     "compiled code calling this function can call what it returns", t->name);
        return NULL;
    default:
        PyErr_Format(PyExc_TypeError, "ember: cannot return a value of type %s to Python", t->name);
        return NULL;
    }
}

/* ---- generators handed to Python ------------------------------------------------------- */
/* A generator function called from Python gives this iterator over its coroutine (the switched-
 * resume frame LLVM lays out: the resume function, the destroy function, then the promise at 16:
 * {i64 refcnt, i32 status, T value}, codegen/lower_gen.c). Python holds its one reference; the
 * call's arguments are kept with it (the frame may point into an argument's memory), and so is
 * the Dispatcher whose code its resume and destroy functions are: `njit(gen)(x)` drops the
 * Dispatcher at once, and its code went with it (the first next() jumped into freed memory). */
typedef struct {
    PyObject_HEAD
    void **frame;        /* NULL once destroyed */
    const Type *t;       /* TY_GENERATOR */
    PyObject *keep;      /* the Dispatcher, then the call's arguments */
} RtGenerator;

enum { PROMISE_AT = 16 };

static void frame_destroy(void **frame) { ((void (*)(void *))frame[1])(frame); }

static void generator_destroy(RtGenerator *g) {
    void **frame = g->frame;
    g->frame = NULL;
    if (frame) frame_destroy(frame);
}

static void generator_dealloc(PyObject *self) {
    RtGenerator *g = (RtGenerator *)self;
    generator_destroy(g);
    Py_XDECREF(g->keep);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *generator_next(PyObject *self) {
    RtGenerator *g = (RtGenerator *)self;
    if (!g->frame || !g->frame[0]) return NULL;   /* ended: StopIteration */
    ((void (*)(void *))g->frame[0])(g->frame);
    char *promise = (char *)g->frame + PROMISE_AT;
    if (!g->frame[0]) {   /* it ended now: normally (StopIteration) or by raising */
        int failed = *(int32_t *)(promise + 8) != 0;
        if (failed) rt_error_to_python();
        generator_destroy(g);
        return NULL;
    }
    const Type *y = g->t->elems[0];
    size_t at = (12 + y->align - 1) / y->align * y->align;
    rt_retain(y, promise + at);   /* boxing takes over a reference: the generator keeps its own */
    return rt_box(y, promise + at);
}

static PyTypeObject generator_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ember.Generator",
    .tp_doc = "A compiled generator: what calling an @njit generator function from Python gives.",
    .tp_basicsize = sizeof(RtGenerator),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = generator_dealloc,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = generator_next,
};

PyObject *rt_box_generator(const Type *t, void *frame) {
    RtGenerator *g = (generator_type.tp_flags & Py_TPFLAGS_READY) || PyType_Ready(&generator_type) == 0
                         ? PyObject_New(RtGenerator, &generator_type) : NULL;
    if (!g) {
        frame_destroy(frame);
        return NULL;
    }
    g->frame = frame;
    g->t = t;
    g->keep = NULL;
    return (PyObject *)g;
}

void rt_generator_keep(PyObject *gen, PyObject *owner, PyObject *const *args, int nargs) {
    if (Py_TYPE(gen) != &generator_type) return;
    RtGenerator *g = (RtGenerator *)gen;
    PyObject *keep = PyTuple_New(nargs + 1);
    if (keep) PyTuple_SET_ITEM(keep, 0, Py_NewRef(owner));
    for (int i = 0; keep && i < nargs; i++) PyTuple_SET_ITEM(keep, i + 1, Py_NewRef(args[i]));
    if (!keep) PyErr_Clear();   /* (then nothing is kept: the caller's references still hold) */
    Py_XSETREF(g->keep, keep);
}

void rt_narrow_value(const Type *narrow, void *p) {
    if (!narrow) return;
    int64_t v = 0;
    if (ty_dtypes[narrow->dtype].kind != 'f' && ty_dtypes[narrow->dtype].kind != 'c') memcpy(&v, p, 8);
    switch (narrow->dtype) {
    case DT_INT8: *(int64_t *)p = (int8_t)v; break;
    case DT_INT16: *(int64_t *)p = (int16_t)v; break;
    case DT_INT32: *(int64_t *)p = (int32_t)v; break;
    case DT_UINT8: *(int64_t *)p = (uint8_t)v; break;
    case DT_UINT16: *(int64_t *)p = (uint16_t)v; break;
    case DT_UINT32: *(int64_t *)p = (uint32_t)v; break;
    case DT_FLOAT32: *(double *)p = (float)*(double *)p; break;
    case DT_COMPLEX64: ((double *)p)[0] = (float)((double *)p)[0], ((double *)p)[1] = (float)((double *)p)[1]; break;
    default: break;
    }
}
