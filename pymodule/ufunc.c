/* ufunc.c: the C side of ember.types, @vectorize, @guvectorize and @cfunc (ember/_ufunc.py).
 *
 *   describe_type(text)      ember's parse of a type name, as a tuple the Python type objects
 *                            are built from (so ember.types has no parser of its own)
 *   build_wrapper(...)       compile a dispatcher's specialisation (the kernel) and a C-ABI
 *                            wrapper around it (codegen/lower_ufunc.c): its object code
 *   load_wrapper(obj, sym)   load that object code: a Wrapper capsule owning it, and the address
 *   make_ufunc(...)          a numpy.ufunc over loaded loops (PyUFunc_FromFuncAndData...)
 *
 * The object code of a wrapper is self-contained (the kernel is linked in), so the on-disk cache
 * stores it like a specialisation and a later process loads it without LLVM. A ufunc owns its
 * loops: the capsules, and the arrays NumPy reads (functions, data, type numbers, name, doc),
 * hang off its `obj` field, which NumPy releases with the ufunc; so does the kernel that @njit
 * callers call instead of the ufunc (pm_ufunc_kernel).
 */
#include "pm.h"
#include "loader.h"
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL ember_ARRAY_API
#define NO_IMPORT_ARRAY
#include <numpy/arrayobject.h>
#define PY_UFUNC_UNIQUE_SYMBOL ember_UFUNC_API
#include <numpy/ufuncobject.h>
#include <stdlib.h>
#include <string.h>

/* ---- types ------------------------------------------------------------------------- */
static PyObject *describe(const Type *t);

static PyObject *describe_all(const Type *const *elems, int n) {
    PyObject *parts = PyTuple_New(n);
    for (int i = 0; parts && i < n; i++) {
        PyObject *e = describe(elems[i]);
        if (!e) Py_CLEAR(parts);
        else PyTuple_SET_ITEM(parts, i, e);
    }
    return parts;
}

static PyObject *describe(const Type *t);

/* Item k of a typed container: its narrow scalar where it has one (ListType[float32]). */
static PyObject *describe_item(const Type *t, int k) {
    if (t->narrow[k]) return Py_BuildValue("(ss)", "scalar", ty_dtypes[t->narrow[k]->dtype].name);
    return describe(t->elems[k]);
}

static PyObject *describe(const Type *t) {
    PyObject *parts;
    switch (t->kind) {
    case TY_ARRAY:
        return Py_BuildValue("(ssiCNN)", "array", ty_dtypes[t->dtype].name, t->ndim, t->layout,
                             PyBool_FromLong(t->readonly), PyBool_FromLong(t->unaligned));
    case TY_RECARRAY: {   /* ("recarray", record, ndim, layout, readonly, unaligned) */
        PyObject *rec = describe(t->rec);
        return rec ? Py_BuildValue("(sNiCNN)", "recarray", rec, t->ndim, t->layout, PyBool_FromLong(t->readonly),
                                   PyBool_FromLong(t->unaligned)) : NULL;
    }
    case TY_RECORD: {   /* ("record", ((name, field, offset), ...), itemsize, readonly, unaligned, aligned_struct); a field is
                         * its dtype's name, ("nestedarray", dtype, shape), ("unichr", n) or a nested ("record", ...) */
        if (!(parts = PyTuple_New(t->n))) return NULL;
        for (int i = 0; i < t->n; i++) {
            PyObject *ft = NULL;
            if (t->fdtypes[i] == TY_FIELD_RECORD) {
                ft = describe(t->elems[i]);
            } else if (t->fdtypes[i] == TY_FIELD_UNICODE) {
                ft = Py_BuildValue("(sL)", "unichr", (long long)ty_record_nchars(t, i));
            } else if (ty_record_sub_ndim(t, i)) {
                PyObject *shape = rt_field_shape(t, i);
                ft = shape ? Py_BuildValue("(ssN)", "nestedarray", ty_dtypes[t->fdtypes[i]].name, shape) : NULL;
            } else {
                ft = PyUnicode_FromString(ty_dtypes[t->fdtypes[i]].name);
            }
            PyObject *f = ft ? Py_BuildValue("(sNn)", t->fnames[i], ft, (Py_ssize_t)t->offsets[i]) : NULL;
            if (!f) return Py_DECREF(parts), NULL;
            PyTuple_SET_ITEM(parts, i, f);
        }
        return Py_BuildValue("(sNnNNN)", "record", parts, (Py_ssize_t)t->itemsize, PyBool_FromLong(t->readonly),
                             PyBool_FromLong(t->unaligned), PyBool_FromLong(t->aligned_struct));
    }
    case TY_TUPLE:
        return (parts = describe_all(t->elems, t->n)) ? Py_BuildValue("(sN)", "tuple", parts) : NULL;
    case TY_NONE: case TY_BOOL: case TY_INT64: case TY_UINT64: case TY_FLOAT64: case TY_COMPLEX128:
        return Py_BuildValue("(ss)", "scalar", t->name);
    case TY_FUNCPTR:   /* ("FunctionType", (ret, params...)) */
        return (parts = describe_all(t->elems, t->n)) ? Py_BuildValue("(sN)", "FunctionType", parts) : NULL;
    case TY_STR:
        return Py_BuildValue("(s)", "str");
    case TY_DTYPE:   /* ("dtype", dtype name) or ("dtype", record) */
        return Py_BuildValue("(ss)", "dtype", ty_dtypes[t->dtype].name);
    case TY_RECDTYPE:
        return (parts = describe(t->rec)) ? Py_BuildValue("(sN)", "dtype", parts) : NULL;
    case TY_ENUM:   /* ("EnumMember", class, value) */
        return (parts = describe(t->elems[0])) ? Py_BuildValue("(sON)", "EnumMember", t->obj, parts) : NULL;
    case TY_CLASS:   /* a jitclass instance: ("instance", name, nullable), its name the one types.py registers */
        return Py_BuildValue("(ssN)", "instance", ty_class_definite(t)->name, PyBool_FromLong(t->nullable));
    case TY_LIST: case TY_DICT: {   /* typed.List / typed.Dict: ("ListType", item) or ("DictType", key, value) */
        if (!t->typed || !ty_is_complete(t)) break;
        PyObject *k = describe_item(t, 0), *v = k && t->kind == TY_DICT ? describe_item(t, 1) : NULL;
        if (!k || (t->kind == TY_DICT && !v)) {
            Py_XDECREF(k);
            return NULL;
        }
        return t->kind == TY_LIST ? Py_BuildValue("(sN)", "ListType", k) : Py_BuildValue("(sNN)", "DictType", k, v);
    }
    default:
        break;
    }
    return PyErr_Format(PyExc_TypeError, "%s is not a type a signature can name", t->name);
}

static PyObject *m_note_namedtuple(PyObject *self, PyObject *cls) {
    if (!ty_is_namedtuple_class(cls)) return PyErr_Format(PyExc_TypeError, "ember: %R is not a namedtuple class", cls);
    ty_note_namedtuple_class(cls);
    Py_RETURN_NONE;
}

static PyObject *m_describe_type(PyObject *self, PyObject *arg) {
    const char *text = PyUnicode_AsUTF8(arg), *end;
    if (!text || ty_init()) return NULL;
    char err[256];
    const Type *t = ty_parse(text, &end, err, sizeof err);
    while (t && *end == ' ') end++;
    if (t && *end) snprintf(err, sizeof err, "unexpected text after the type: '%s'", end);
    if (!t || *end) return PyErr_Format(PyExc_TypeError, "invalid type '%s': %s", text, err);
    return describe(t);
}

/* ---- wrappers ---------------------------------------------------------------------- */
static int dtype_named(const char *name) {
    for (int i = 0; i < DT_COUNT; i++)
        if (!strcmp(ty_dtypes[i].name, name)) return i;
    return -1;
}

static const char *kind_names[] = {"ufunc", "gufunc", "cfunc", "native"};

/* build_wrapper(dispatcher, kind, signature, dtypes, core, parallel)
 *       -> (symbol, object, bitcode, the output's dtype (ufunc) or the kernel's return type)
 *   kind       "ufunc", "gufunc" or "cfunc"
 *   signature  the kernel's, as ember parses it ("float64(float64, int64)")
 *   dtypes     per operand a dtype name; a ufunc's last is its output's (None: the dtype of what
 *              the kernel returns), a cfunc's last its return (None: void)
 *   core       gufunc: per operand a tuple of core dimension indices; else () */
static PyObject *m_build_wrapper(PyObject *self, PyObject *args) {
    PyObject *disp, *dtypes, *core;
    const char *kind, *sigtext;
    int parallel;
    if (!PyArg_ParseTuple(args, "O!ssO!O!p", &PmDispatcherType, &disp, &kind, &sigtext, &PyTuple_Type, &dtypes,
                          &PyTuple_Type, &core, &parallel))
        return NULL;
    Dispatcher *d = (Dispatcher *)disp;
    CgWrap w = {.parallel = parallel};
    w.kind = !strcmp(kind, "ufunc") ? CG_WRAP_UFUNC : !strcmp(kind, "gufunc") ? CG_WRAP_GUFUNC : CG_WRAP_CFUNC;
    const Type *ret, **params;
    int nparams;
    char err[256];
    if (ty_parse_signature(sigtext, &ret, &params, &nparams, err, sizeof err))
        return PyErr_Format(PyExc_TypeError, "invalid signature '%s': %s", sigtext, err);
    PyObject *result = NULL;
    Py_ssize_t nd = PyTuple_GET_SIZE(dtypes);
    if (nparams > CG_WRAP_MAX_OPERANDS || nd > CG_WRAP_MAX_OPERANDS + 1) {
        PyErr_Format(PyExc_TypeError, "'%s' has more than %d operands", sigtext, CG_WRAP_MAX_OPERANDS);
        goto done;
    }
    for (Py_ssize_t k = 0; k < nd; k++) {
        PyObject *o = PyTuple_GET_ITEM(dtypes, k);
        w.dtypes[k] = o == Py_None ? -1 : PyUnicode_Check(o) ? dtype_named(PyUnicode_AsUTF8(o)) : -2;
        if (w.dtypes[k] == -2 || (w.dtypes[k] == -1 && o != Py_None)) {
            PyErr_Format(PyExc_TypeError, "operand %zd of '%s' has no NumPy dtype", k + 1, sigtext);
            goto done;
        }
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(core) && k < CG_WRAP_MAX_OPERANDS; k++) {
        PyObject *dims = PyTuple_GET_ITEM(core, k);
        w.core_ndim[k] = (int)PyTuple_GET_SIZE(dims);
        if (w.core_ndim[k] > CG_WRAP_MAX_CORE) {
            PyErr_Format(PyExc_TypeError, "more than %d core dimensions", CG_WRAP_MAX_CORE);
            goto done;
        }
        for (int j = 0; j < w.core_ndim[k]; j++) w.core_dim[k][j] = (int)PyLong_AsLong(PyTuple_GET_ITEM(dims, j));
    }
    PyCodeObject *co = (PyCodeObject *)((PyFunctionObject *)d->py_func)->func_code;
    if (nparams != co->co_argcount + co->co_kwonlyargcount) {
        PyErr_Format(PyExc_TypeError, "signature '%s' has %d parameters but %U takes %d", sigtext, nparams,
                     ((PyFunctionObject *)d->py_func)->func_qualname, co->co_argcount + co->co_kwonlyargcount);
        goto done;
    }
    Spec *s = pm_compile(d, params, nparams, ret, false, false);
    if (!s) goto done;
    PyObject *sym = PyUnicode_FromFormat("%s.%s", s->symbol, kind_names[w.kind]);
    if (!sym) goto done;
    w.symbol = PyUnicode_AsUTF8(sym);
    if (w.kind == CG_WRAP_UFUNC && w.dtypes[nparams] == -1) {   /* the output: what the kernel returns */
        w.dtypes[nparams] = s->ret == ty_float64 && s->ret_facts.f32 ? DT_FLOAT32 : ty_dtype_of_scalar(s->ret);   /* f(x32) = x32 * y32: float32 */
        if (w.dtypes[nparams] < 0) {
            PyErr_Format(PyExc_TypeError, "%U returns %s for argument types %s: a ufunc's kernel returns a number",
                         ((PyFunctionObject *)d->py_func)->func_qualname, s->ret->name, sigtext);
            goto done;
        }
    }
    w.kernel = s->symbol;
    w.bitcode = s->bitcode;
    w.params = s->held;
    w.nparams = s->nargs;
    w.ret = s->ret;
    CgResult out = {0};
    if (pm_wrap(&w, &out) == 0)
        result = Py_BuildValue("(ONNs)", sym, out.object, out.bitcode,
                               w.kind == CG_WRAP_UFUNC ? ty_dtypes[w.dtypes[nparams]].name : s->ret->name);
    Py_DECREF(sym);
done:
    free(params);
    return result;
}

#define WRAPPER_CAPSULE "ember.wrapper"

static void free_wrapper(PyObject *cap) { rt_code_free(PyCapsule_GetPointer(cap, WRAPPER_CAPSULE)); }

/* load_wrapper(object, symbol) -> (capsule owning the code, address of symbol) */
static PyObject *m_load_wrapper(PyObject *self, PyObject *args) {
    const char *obj, *symbol;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "y#s", &obj, &size, &symbol)) return NULL;
    char err[300];
    RtCode *code = rt_code_load(obj, (size_t)size, err, sizeof err);
    if (!code) return PyErr_Format(PyExc_RuntimeError, "ember: cannot load the code compiled for %s: %s", symbol, err);
    void *addr = rt_code_symbol(code, symbol);
    if (!addr) {
        rt_code_free(code);
        return PyErr_Format(PyExc_RuntimeError, "ember: the object code does not define %s", symbol);
    }
    PyObject *cap = PyCapsule_New(code, WRAPPER_CAPSULE, free_wrapper);
    if (!cap) {
        rt_code_free(code);
        return NULL;
    }
    return Py_BuildValue("(NK)", cap, (unsigned long long)(uintptr_t)addr);
}

/* ---- NumPy ufuncs ------------------------------------------------------------------ */
typedef struct UfuncArrays {
    PyUFuncGenericFunction *funcs;
    void **data;
    char *types, *name, *doc, *signature;
} UfuncArrays;

static void free_arrays(PyObject *cap) {
    UfuncArrays *a = PyCapsule_GetPointer(cap, "ember.ufunc_arrays");
    free(a->funcs);
    free(a->data);
    free(a->types);
    free(a->name);
    free(a->doc);
    free(a->signature);
    free(a);
}

static bool umath_ready;

/* make_ufunc(name, doc, nin, nout, loops, identity, identity_value, signature, kernel[, writable])
 *   -> numpy.ufunc
 *   loops      a list of (capsule, address, type numbers: a tuple of nin + nout ints)
 *   identity   PyUFunc_Zero/One/None/ReorderableNone/IdentityValue (then identity_value)
 *   signature  a gufunc's layout "(n),()->(n)", or None
 *   kernel     what compiled code calls for it (an ember._gufunc.Caller, pm_ufunc_kernel), or None
 *   writable   the inputs the kernel writes (Numba's writable_args): a tuple of their indices */
static PyObject *m_make_ufunc(PyObject *self, PyObject *args) {
    const char *name, *doc, *signature;
    int nin, nout, identity;
    PyObject *loops, *identity_value, *kernel, *writable = NULL;
    if (!PyArg_ParseTuple(args, "sziiO!iOzO|O!", &name, &doc, &nin, &nout, &PyList_Type, &loops, &identity,
                          &identity_value, &signature, &kernel, &PyTuple_Type, &writable))
        return NULL;
    if (!umath_ready) {
        if (_import_umath() < 0) return NULL;
        umath_ready = true;
    }
    Py_ssize_t n = PyList_GET_SIZE(loops);
    int nargs = nin + nout;
    UfuncArrays *a = calloc(1, sizeof *a);
    if (!a) return PyErr_NoMemory();
    a->funcs = calloc((size_t)n + 1, sizeof *a->funcs);
    a->data = calloc((size_t)n + 1, sizeof *a->data);
    a->types = calloc((size_t)(n * nargs) + 1, 1);
    a->name = strdup(name);
    a->doc = doc ? strdup(doc) : NULL;
    a->signature = signature ? strdup(signature) : NULL;
    PyObject *arrays = PyCapsule_New(a, "ember.ufunc_arrays", free_arrays);
    if (!arrays) {
        free(a);
        return NULL;
    }
    if (!a->funcs || !a->data || !a->types || !a->name || (doc && !a->doc) || (signature && !a->signature)) {
        Py_DECREF(arrays);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *cap, *typenums;
        unsigned long long addr;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(loops, i), "OKO!", &cap, &addr, &PyTuple_Type, &typenums) ||
            PyTuple_GET_SIZE(typenums) != nargs) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "a loop's type numbers do not match the ufunc's operands");
            Py_DECREF(arrays);
            return NULL;
        }
        a->funcs[i] = (PyUFuncGenericFunction)(uintptr_t)addr;
        for (int k = 0; k < nargs; k++) a->types[i * nargs + k] = (char)PyLong_AsLong(PyTuple_GET_ITEM(typenums, k));
    }
    /* A @vectorize ufunc is made without loops, which are then set: NumPy matches the loops a
     * ufunc is made with by their exact dtypes first, but loops set after in their order (the
     * first an input can be cast to safely), as Numba's @vectorize does (its loops are added to a
     * ufunc made empty): a float32 argument of @vectorize(["float64(float64)", "float32(float32)"])
     * runs the float64 loop, as Numba's documentation says. A @guvectorize one (Numba makes it
     * with its loops) matches exactly first. */
    bool later = !signature;
    PyObject *u = PyUFunc_FromFuncAndDataAndSignatureAndIdentity(
        later ? NULL : a->funcs, later ? NULL : a->data, later ? NULL : a->types, later ? 0 : (int)n, nin, nout,
        identity, a->name, a->doc, 0, a->signature, identity == PyUFunc_IdentityValue ? identity_value : NULL);
    if (!u) {
        Py_DECREF(arrays);
        return NULL;
    }
    if (later) {
        ((PyUFuncObject *)u)->functions = a->funcs;
        ((PyUFuncObject *)u)->data = a->data;
        ((PyUFuncObject *)u)->types = a->types;
        ((PyUFuncObject *)u)->ntypes = (int)n;
    }
    for (Py_ssize_t i = 0; writable && i < PyTuple_GET_SIZE(writable); i++) {
        /* the input is read and written in place; one that needs a cast is copied and written back */
        long k = PyLong_AsLong(PyTuple_GET_ITEM(writable, i));
        if (k < 0 || k >= nin) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "a writable operand is not an input");
            Py_DECREF(u);
            Py_DECREF(arrays);
            return NULL;
        }
        ((PyUFuncObject *)u)->op_flags[k] = NPY_ITER_READWRITE | NPY_ITER_UPDATEIFCOPY;
    }
    PyObject *keep = PyTuple_Pack(3, arrays, loops, kernel);   /* the loops' capsules own their code */
    Py_DECREF(arrays);
    if (!keep) {
        Py_DECREF(u);
        return NULL;
    }
    ((PyUFuncObject *)u)->obj = keep;
    return u;
}

/* What @njit callers call for one of ember's ufuncs: a ufunc's (kept in its `obj`, beside the
 * loops) or a DUFunc's or GUFunc's `_caller`, an ember._gufunc.Caller that names the compiled
 * function for the caller's argument types. Borrowed; NULL for anything else. */
PyObject *pm_ufunc_kernel(PyObject *obj) {
    PyObject *k = NULL;
    const char *tp = Py_TYPE(obj)->tp_name;
    if (!strcmp(tp, "numpy.ufunc")) {
        PyObject *keep = ((PyUFuncObject *)obj)->obj;
        if (keep && PyTuple_Check(keep) && PyTuple_GET_SIZE(keep) == 3 &&
            PyCapsule_IsValid(PyTuple_GET_ITEM(keep, 0), "ember.ufunc_arrays"))
            k = PyTuple_GET_ITEM(keep, 2);
    } else if (!strcmp(tp, "DUFunc") || !strcmp(tp, "GUFunc")) {
        PyObject *dict = PyObject_GenericGetDict(obj, NULL);
        k = dict ? PyDict_GetItemString(dict, "_caller") : NULL;   /* the object's dict keeps it */
        Py_XDECREF(dict);
        PyErr_Clear();
    }
    return k && k != Py_None ? k : NULL;
}

static PyObject *m_ufunc_kernel(PyObject *self, PyObject *obj) {
    PyObject *k = pm_ufunc_kernel(obj);
    return Py_NewRef(k ? k : Py_None);
}

static PyObject *m_ufunc_identities(PyObject *self, PyObject *unused) {
    return Py_BuildValue("{sisisisisi}", "zero", PyUFunc_Zero, "one", PyUFunc_One, "none", PyUFunc_None,
                         "reorderable", PyUFunc_ReorderableNone, "value", PyUFunc_IdentityValue);
}

static PyObject *m_inspect_bitcode(PyObject *self, PyObject *args) {
    PyObject *bitcode;
    int asm_ = 0;
    if (!PyArg_ParseTuple(args, "S|p", &bitcode, &asm_)) return NULL;
    return pm_inspect_bitcode(bitcode, asm_);
}

PyMethodDef pm_api_methods[] = {
    {"inspect_bitcode", m_inspect_bitcode, METH_VARARGS, "A wrapper's optimised LLVM IR (or assembly, asm=True)."},
    {"note_namedtuple", m_note_namedtuple, METH_O, "A namedtuple class that type names may name (types.NamedTuple)."},
    {"describe_type", m_describe_type, METH_O, "ember's reading of a type name: ('scalar', name), ('array', ...), ('tuple', elems)."},
    {"build_wrapper", m_build_wrapper, METH_VARARGS, "Compile a kernel and a C-ABI wrapper: (symbol, object, bitcode)."},
    {"load_wrapper", m_load_wrapper, METH_VARARGS, "Load a wrapper's object code: (owner capsule, address)."},
    {"make_ufunc", m_make_ufunc, METH_VARARGS, "A numpy.ufunc over loaded loops."},
    {"ufunc_identities", m_ufunc_identities, METH_NOARGS, "NumPy's PyUFunc_* identity constants."},
    {"ufunc_kernel", m_ufunc_kernel, METH_O, "What compiled code calls for one of ember's ufuncs (an ember._gufunc.Caller), or None."},
    {NULL},
};
