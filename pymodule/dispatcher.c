/* dispatcher.c: the Dispatcher, what @njit returns. Its call is the hot path:
 *
 *   type each argument (pointer checks for float/int/bool/complex) -> find the specialisation
 *   with exactly those types (a short scan comparing interned type pointers) -> unbox into a
 *   stack buffer -> call the entry -> box the result, or raise the error record's exception.
 *
 * A miss compiles (lazy dispatchers) or, when signatures were given, picks the signature the
 * arguments convert to at the least cost (bool -> int64 -> float64 -> complex128, never
 * narrowing), as Numba does; no match raises TypeError.
 */
#include "pm.h"
#include "loader.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 64

static long next_serial;

Spec *pm_find_spec(Dispatcher *d, const Type **args, int nargs) {
    for (int i = 0; i < d->nspecs; i++) {
        Spec *s = d->specs[i];
        if (s->nargs != nargs) continue;
        int k = 0;
        while (k < nargs && s->args[k] == args[k]) k++;
        if (k == nargs) return s;
    }
    return NULL;
}

Spec *pm_find_convertible(Dispatcher *d, const Type **args, int nargs) {
    Spec *best = NULL;
    int best_cost = 1 << 30;
    for (int i = 0; i < d->nspecs; i++) {
        Spec *s = d->specs[i];
        int cost = rt_signature_cost(args, nargs, s->args, s->nargs);
        if (cost >= 0 && cost < best_cost) {
            best = s;
            best_cost = cost;
        }
    }
    return best;
}

int pm_add_spec(Dispatcher *d, Spec *s) {
    if (d->nspecs == d->capspecs) {
        int ncap = d->capspecs ? d->capspecs * 2 : 4;
        Spec **p = realloc(d->specs, sizeof(Spec *) * (size_t)ncap);
        if (!p) return PyErr_NoMemory(), -1;
        d->specs = p;
        d->capspecs = ncap;
    }
    d->specs[d->nspecs++] = s;
    return 0;
}

/* Call module.function(*args) with args built by Py_BuildValue(fmt, ...): the Python side of
 * the Dispatcher (ember/_cache.py, ember/_pickle.py). */
PyObject *pm_call(const char *module, const char *function, const char *fmt, ...) {
    PyObject *mod = PyImport_ImportModule(module);
    PyObject *fn = mod ? PyObject_GetAttrString(mod, function) : NULL;
    Py_XDECREF(mod);
    if (!fn) return NULL;
    va_list ap;
    va_start(ap, fmt);
    PyObject *args = Py_VaBuildValue(fmt, ap);
    va_end(ap);
    PyObject *r = args ? PyObject_CallObject(fn, args) : NULL;
    Py_DECREF(fn);
    Py_XDECREF(args);
    return r;
}

/* ---- argument binding: keywords and defaults, as Python would bind them -------------- */
static int nparams_of(Dispatcher *d) { return fe_nparams(((PyFunctionObject *)d->py_func)->func_code); }

/* out[] gets borrowed references, but for a *args tuple, which is new: *star (NULL if none);
 * omitted[i] is set where parameter i took its default. */
static int bind(Dispatcher *d, PyObject *const *args, Py_ssize_t n, PyObject *kwnames, PyObject **out,
                PyObject **star, bool *omitted) {
    PyFunctionObject *f = (PyFunctionObject *)d->py_func;
    PyCodeObject *co = (PyCodeObject *)f->func_code;
    int npos = co->co_argcount, np = npos + co->co_kwonlyargcount, si = fe_star_param(f->func_code);
    const char *name = PyUnicode_AsUTF8(f->func_qualname);
    *star = NULL;
    if (n > npos && si < 0) {
        PyErr_Format(PyExc_TypeError, "%s() takes %d positional arguments but %zd were given", name, npos, n);
        return -1;
    }
    for (int i = 0; i < np; i++) out[i] = i < n && i < npos ? args[i] : NULL;
    if (si >= 0) {
        if (!(*star = PyTuple_New(n > npos ? n - npos : 0))) return -1;
        for (Py_ssize_t k = npos; k < n; k++) PyTuple_SET_ITEM(*star, k - npos, Py_NewRef(args[k]));
        out[si] = *star;
    }
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *kw = PyTuple_GET_ITEM(kwnames, k);
        int found = -1;
        for (int i = co->co_posonlyargcount; i < np && found < 0; i++)
            if (PyUnicode_Compare(PyTuple_GET_ITEM(co->co_localsplusnames, i), kw) == 0) found = i;
        if (found < 0) {
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", name, kw);
            Py_CLEAR(*star);
            return -1;
        }
        if (out[found]) {
            PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%U'", name, kw);
            Py_CLEAR(*star);
            return -1;
        }
        out[found] = args[n + k];
    }
    PyObject *defs = f->func_defaults, *kwdefs = f->func_kwdefaults;
    Py_ssize_t ndef = defs ? PyTuple_GET_SIZE(defs) : 0;
    for (int i = 0; i < np; i++) {
        omitted[i] = !out[i];
        if (out[i]) continue;
        PyObject *pname = PyTuple_GET_ITEM(co->co_localsplusnames, i);
        if (i < npos && i >= npos - ndef) out[i] = PyTuple_GET_ITEM(defs, i - (npos - ndef));
        else if (i >= npos && kwdefs) out[i] = PyDict_GetItemWithError(kwdefs, pname);
        if (!out[i]) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_TypeError, "%s() missing required argument '%U'", name, pname);
            Py_CLEAR(*star);
            return -1;
        }
    }
    return 0;
}

/* ---- the call ---------------------------------------------------------------------- */
static const char *param_name(Dispatcher *d, int i) {
    PyCodeObject *co = (PyCodeObject *)((PyFunctionObject *)d->py_func)->func_code;
    const char *s = PyUnicode_AsUTF8(PyTuple_GET_ITEM(co->co_localsplusnames, i));
    if (!s) PyErr_Clear();
    return s ? s : "?";
}

/* No signature takes these types. An unaligned array never converts to an aligned signature's
 * array (as in Numba: the compiled code may rely on alignment): the message says which it is. */
static PyObject *no_match(Dispatcher *d, const Type **types, int n) {
    char sig[512], hint[400];
    const char *names[MAX_ARGS];
    for (int i = 0; i < n; i++) names[i] = param_name(d, i);
    rt_unaligned_hint(types, names, n, hint, sizeof hint);
    PyErr_Format(PyExc_TypeError, "No matching definition for argument type(s) %s of %U%s",
                 pm_signature_text(types, n, sig, sizeof sig), ((PyFunctionObject *)d->py_func)->func_qualname, hint);
    return NULL;
}

/* An argument ember has no type for, and why: a TypingError for a lazy dispatcher (it would
 * compile for it), a TypeError (no matching definition) when signatures were given. Only the
 * miss path gets here. */
static PyObject *unsupported_argument(Dispatcher *d, PyObject *arg, int i) {
    const char *name = param_name(d, i);
    char why[1024];
    rt_explain_untyped(arg, name, why, sizeof why);
    if (!d->lazy) {
        PyErr_Format(PyExc_TypeError, "No matching definition for %U: argument %d ('%s') %s",
                     ((PyFunctionObject *)d->py_func)->func_qualname, i + 1, name, why);
        return NULL;
    }
    PyObject *mod = PyImport_ImportModule("ember.errors");
    PyObject *cls = mod ? PyObject_GetAttrString(mod, "TypingError") : NULL;
    Py_XDECREF(mod);
    PyCodeObject *code = (PyCodeObject *)PyFunction_GET_CODE(d->py_func);   /* where the function is defined */
    const char *file = PyUnicode_Check(code->co_filename) ? PyUnicode_AsUTF8(code->co_filename) : NULL;
    const char *base = file ? strrchr(file, '/') : NULL;
    if (!file) PyErr_Clear();
    if (cls) {
        PyErr_Format(cls, "%s:%d in %U: argument %d ('%s') %s", base ? base + 1 : file ? file : "?", code->co_firstlineno,
                     ((PyFunctionObject *)d->py_func)->func_qualname, i + 1, name, why);
        Py_DECREF(cls);
    }
    return NULL;
}

/* A ctypes or cffi function passed as an argument: its own type too (typeinfer/ffi.c; the call
 * goes to its library's symbol); described again at each call, as its argtypes may change. */
static const Type *c_function_type(PyObject *arg) {
    const Type *t;
    if (ti_describe_cfunc(arg, &t) && !t) PyErr_Clear();   /* the argument error says it is unsupported */
    return t && t->kind == TY_CFUNC ? t : NULL;
}

/* An ember type object passed as an argument (pysheds' _priority_flood(dem, mask, tuple_type)):
 * known by its type, as a dtype argument is, for List.empty_list(tt) and the like; one type per
 * type name, so equal type objects share the specialisations. */
static const Type *type_object_type(PyObject *arg) {
    if (PyType_Check(arg)) return NULL;
    int d = rt_dtype_of_type_object(arg);   /* types.float64 */
    if (d >= 0) return ty_dtype(d);
    if (!PyObject_HasAttrString(arg, "_ember_typeref")) return NULL;   /* types.Tuple(...), types.float64[:] */
    PyObject *name = PyObject_GetAttrString(arg, "name");
    const char *s = name && PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
    const Type *t = s ? ty_typeref_named(arg, s) : NULL;
    Py_XDECREF(name);
    PyErr_Clear();
    return t;
}

/* A compiled function passed as an argument: its own type (as in Numba), so the callee is known
 * when the function taking it compiles (one specialisation per function passed, which LLVM can
 * inline); it has no run-time value. */
static const Type *function_type(PyObject *arg) {
    if (Py_TYPE(arg) == &PmDispatcherType) return ty_object(TY_DISPATCHER, arg, 0);
    const Type *tr = type_object_type(arg);
    if (tr) return tr;
    if (PyTuple_Check(arg) && PyTuple_GET_SIZE(arg) > 0 && PyTuple_GET_SIZE(arg) <= 64) {   /* (f, g): each its own type */
        const Type *elems[64];
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(arg); i++) {
            PyObject *x = PyTuple_GET_ITEM(arg, i);
            if (!(elems[i] = rt_typeof(x)) && !(elems[i] = function_type(x))) return NULL;
        }
        int n = (int)PyTuple_GET_SIZE(arg);
        const Type *named = PyTuple_CheckExact(arg) ? NULL : ty_named_tuple((PyObject *)Py_TYPE(arg), n, elems);   /* Spec(f, 3.0) */
        return named ? named : ty_tuple(n, elems);
    }
    if (!strcmp(Py_TYPE(arg)->tp_name, "CFunc")) {   /* an @cfunc: its @njit twin (ember/_ufunc.py) */
        PyObject *d = PyObject_CallMethod(arg, "_ember_callee", NULL);
        const Type *t = d && Py_TYPE(d) == &PmDispatcherType ? ty_object(TY_DISPATCHER, d, 0) : NULL;
        Py_XDECREF(d);   /* the CFunc keeps it */
        PyErr_Clear();   /* one with pointers: the argument error says it is unsupported */
        return t;
    }
    return c_function_type(arg);
}

/* A parameter left to its default is typed by the default's value where it is a constant (None,
 * an int, float, bool, complex or str), as Numba's Omitted: the specialisation folds it (a
 * sentinel compared in a loop, a flag, a small trip count). The last default's type is kept
 * per parameter, so a call looks it up by the default's identity. */
static const Type *omitted_type(Dispatcher *d, PyObject *value, int i) {
    if (!d->lazy || i >= OMITTED_SLOTS) return NULL;
    if (d->omitted_value[i] == value) return d->omitted_type[i];
    const Type *t = ty_omitted(value);
    if (!t) PyErr_Clear();
    Py_XSETREF(d->omitted_value[i], Py_NewRef(value));   /* (held: its address is the key) */
    d->omitted_type[i] = t;
    return t;
}

static PyObject *call_bound(Dispatcher *d, PyObject *const *args, int np, const bool *omitted) {
    const Type *types[MAX_ARGS];
    for (int i = 0; i < np; i++)
        if (!(omitted && omitted[i] && (types[i] = omitted_type(d, args[i], i))) &&
            !(types[i] = rt_typeof_argument(args[i])) && !(types[i] = function_type(args[i])))
            return unsupported_argument(d, args[i], i);
    Spec *s = pm_find_spec(d, types, np);
    if (!s) {
        if (d->lazy) s = pm_compile(d, types, np, NULL, false, true);
        else if (!(s = pm_find_convertible(d, types, np))) return no_match(d, types, np);
        if (!s) return NULL;
    }
    if (!s->entry && pm_spec_code(s)) return NULL;
    PyObject *r = rt_call(s->entry, s->args, s->nargs, s->ret, args, d->nogil);
    if (r && s->ret->kind == TY_GENERATOR) rt_generator_keep(r, (PyObject *)d, args, np);   /* its code; its frame may point into them */
    return r;
}

static PyObject *dispatcher_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    Dispatcher *d = (Dispatcher *)self;
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    int np = nparams_of(d);
    PyObject *bound[MAX_ARGS];
    if (np > MAX_ARGS) return PyErr_Format(PyExc_TypeError, "ember supports at most %d parameters", MAX_ARGS);
    PyObject *star = NULL;   /* *args: the tuple bind makes */
    bool omitted[MAX_ARGS], *left = NULL;
    if (kwnames || n != np || d->must_bind) {
        if (bind(d, args, n, kwnames, bound, &star, omitted)) return NULL;
        args = bound;
        left = omitted;
    }
    PyObject *r = call_bound(d, args, np, left);
    Py_XDECREF(star);
    return r;
}

/* ---- the type ---------------------------------------------------------------------- */
static int compile_signature(Dispatcher *d, PyObject *sig) {
    const char *text = PyUnicode_AsUTF8(sig);
    if (!text) return -1;
    const Type *ret, **args;
    int nargs;
    char err[256];
    if (ty_parse_signature(text, &ret, &args, &nargs, err, sizeof err)) {
        PyErr_Format(PyExc_TypeError, "invalid signature '%s': %s", text, err);
        return -1;
    }
    if (nargs != nparams_of(d)) {
        PyErr_Format(PyExc_TypeError, "signature '%s' has %d parameters but %U takes %d", text, nargs,
                     ((PyFunctionObject *)d->py_func)->func_qualname, nparams_of(d));
        free(args);
        return -1;
    }
    Spec *s = pm_compile(d, args, nargs, ret, true, true);
    free(args);
    return s ? 0 : -1;
}

/* Compile each signature string of sigs (a string or a sequence of them) as an explicit
 * specialisation; a dispatcher given at least one compiles no others (it is no longer lazy). */
static int compile_signatures(Dispatcher *d, PyObject *sigs) {
    /* strings or ember.types objects (float64(int64), a tuple of argument types), as text */
    PyObject *list = pm_call("ember.types", "_signature_list", "(O)", sigs);
    if (!list) return -1;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(list); i++)
        if (compile_signature(d, PyTuple_GET_ITEM(list, i))) { Py_DECREF(list); return -1; }
    if (PyTuple_GET_SIZE(list) > 0) d->lazy = false;
    Py_DECREF(list);
    return 0;
}

static PyObject *dispatcher_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *func, *options = NULL, *sigs = Py_None;
    static char *kwlist[] = {"py_func", "options", "signatures", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OO", kwlist, &func, &options, &sigs)) return NULL;
    if (!PyFunction_Check(func)) return PyErr_Format(PyExc_TypeError, "ember can only compile Python functions, not %.100s", Py_TYPE(func)->tp_name);
    if (ty_init()) return PyErr_NoMemory();
    Dispatcher *d = (Dispatcher *)type->tp_alloc(type, 0);
    if (!d) return NULL;
    d->vectorcall = dispatcher_vectorcall;
    d->py_func = Py_NewRef(func);
    d->options = options && options != Py_None ? Py_NewRef(options) : PyDict_New();
    d->dict = PyDict_New();
    d->serial = next_serial++;
    d->lazy = true;
    if (!d->options || !d->dict) { Py_DECREF(d); return NULL; }
    PyObject *nogil = PyDict_GetItemString(d->options, "nogil");
    d->nogil = nogil && PyObject_IsTrue(nogil) == 1;
    PyObject *code = ((PyFunctionObject *)func)->func_code;
    d->must_bind = fe_star_param(code) >= 0 || ((PyCodeObject *)code)->co_kwonlyargcount > 0;
    PyObject *cache = PyDict_GetItemString(d->options, "cache");
    d->cache = cache && PyObject_IsTrue(cache) == 1;
    if (sigs != Py_None && compile_signatures(d, sigs)) { Py_DECREF(d); return NULL; }
    return (PyObject *)d;
}

static int dispatcher_traverse(Dispatcher *d, visitproc visit, void *arg) {
    Py_VISIT(d->py_func);
    Py_VISIT(d->options);
    Py_VISIT(d->dict);
    return 0;
}

static int dispatcher_clear(Dispatcher *d) {
    Py_CLEAR(d->py_func);
    Py_CLEAR(d->options);
    Py_CLEAR(d->dict);
    for (int i = 0; i < OMITTED_SLOTS; i++) Py_CLEAR(d->omitted_value[i]);
    return 0;
}

/* The specialisations and their machine code go with the Dispatcher. Nothing else can call
 * that code: a call holds a reference to the Dispatcher until the code returns (parallel chunks
 * included), compiled callers carry their own copies of it (codegen/jit.c), and a compile that
 * links a callee's bitcode keeps the callee's Dispatcher alive (driver.c). */
static void dispatcher_dealloc(Dispatcher *d) {
    PyObject_GC_UnTrack(d);
    if (d->weakrefs) PyObject_ClearWeakRefs((PyObject *)d);
    dispatcher_clear(d);
    ty_forget((PyObject *)d);
    for (int i = 0; i < d->nspecs; i++) pm_free_spec(d->specs[i]);
    for (int i = 0; i < d->nretired; i++) pm_free_spec(d->retired[i]);
    free(d->specs);
    free(d->retired);
    Py_TYPE(d)->tp_free((PyObject *)d);
}

/* Each specialisation's argument types as type objects (.signatures), or with its return type
 * as a Signature (Numba's .nopython_signatures: a float32 result named float32, a narrow
 * signature's return type as written). */
static PyObject *signature_list(Dispatcher *d, bool with_ret) {
    PyObject *list = PyList_New(0);
    for (int i = 0; list && i < d->nspecs; i++) {
        Spec *s = d->specs[i];
        PyObject *names = PyTuple_New(s->nargs), *t;
        if (!names) { Py_CLEAR(list); break; }
        for (int k = 0; k < s->nargs; k++) PyTuple_SET_ITEM(names, k, PyUnicode_FromString(s->args[k]->name));
        if (with_ret) {
            const Type *ret = s->sig_ret ? s->sig_ret : s->ret;
            const char *rname = ret == ty_float64 && s->ret_facts.f32 ? "float32" : ret->name;   /* a32.sum() */
            t = pm_call("ember.types", "_nopython_signature", "(sN)", rname, names);
        } else {
            t = pm_call("ember.types", "_signature_types", "(N)", names);
        }
        if (!t || PyList_Append(list, t) < 0) Py_CLEAR(list);
        Py_XDECREF(t);
    }
    return list;
}

static PyObject *get_signatures(Dispatcher *d, void *unused) { return signature_list(d, false); }
static PyObject *get_nopython_signatures(Dispatcher *d, void *unused) { return signature_list(d, true); }

/* Numba's .overloads: {argument types: CompileResult} (ember/types.py), each knowing its
 * signature's text, which inspect_llvm and inspect_asm take. */
static PyObject *get_overloads(Dispatcher *d, void *unused) {
    PyObject *texts = PyList_New(d->nspecs);
    for (int i = 0; texts && i < d->nspecs; i++) {
        char sig[512];
        PyObject *t = PyUnicode_FromString(pm_signature_text(d->specs[i]->args, d->specs[i]->nargs, sig, sizeof sig));
        if (!t) Py_CLEAR(texts);
        else PyList_SET_ITEM(texts, i, t);
    }
    return texts ? pm_call("ember.types", "_overloads", "(ON)", (PyObject *)d, texts) : NULL;
}

/* disable_compile(val=True): a miss then converts to a compiled signature or fails, as for a
 * dispatcher given signatures; disable_compile(False) compiles on a miss again. */
static PyObject *m_disable_compile(Dispatcher *d, PyObject *const *args, Py_ssize_t n) {
    int off = n > 0 ? PyObject_IsTrue(args[0]) : 1;
    if (n > 1) return PyErr_Format(PyExc_TypeError, "disable_compile() takes at most 1 argument (%zd given)", n);
    if (off < 0) return NULL;
    d->lazy = !off;
    Py_RETURN_NONE;
}

static PyObject *get_stats(Dispatcher *d, void *unused) {
    return Py_BuildValue("{sl,sl,si}", "compiles", d->compiles, "cache_hits", d->cache_hits, "specializations", d->nspecs);
}

/* What a pickled copy must compile again: every signature ("float64(array(float64, 1d, C))")
 * of a dispatcher that compiles no others; none for a lazy one, which compiles on demand. */
static PyObject *get_fixed_signatures(Dispatcher *d, void *unused) {
    PyObject *list = PyList_New(0);
    for (int i = 0; list && !d->lazy && i < d->nspecs; i++) {
        char args[1024];
        Spec *s = d->specs[i];
        const Type *ret = s->sig_ret ? s->sig_ret : s->ret;   /* "uint8(uint8)" again, not int64(uint8) */
        PyObject *text = PyUnicode_FromFormat("%s%s", ret->name, pm_signature_text(s->args, s->nargs, args, sizeof args));
        if (!text || PyList_Append(list, text) < 0) Py_CLEAR(list);
        Py_XDECREF(text);
    }
    return list;
}

static PyObject *get_py_func(Dispatcher *d, void *unused) { return Py_NewRef(d->py_func); }
static PyObject *get_options(Dispatcher *d, void *unused) { return PyDictProxy_New(d->options); }

static PyObject *pick(PyObject *all, PyObject *const *args, Py_ssize_t n) {
    if (!all || n == 0) return all;
    PyObject *r = PyDict_GetItemWithError(all, args[0]);
    if (!r && !PyErr_Occurred()) PyErr_SetObject(PyExc_KeyError, args[0]);
    Py_XINCREF(r);
    Py_DECREF(all);
    return r;
}

static PyObject *m_inspect_llvm(Dispatcher *d, PyObject *const *args, Py_ssize_t n) { return pick(pm_inspect(d, "llvm"), args, n); }
static PyObject *m_inspect_asm(Dispatcher *d, PyObject *const *args, Py_ssize_t n) { return pick(pm_inspect(d, "asm"), args, n); }
/* inspect_types([signature]): the typed IR of each specialisation by signature (or one's text).
 * inspect_types(file=f) writes them to f as Numba's does, and returns None. */
static PyObject *m_inspect_types(Dispatcher *d, PyObject *const *args, Py_ssize_t n, PyObject *kwnames) {
    PyObject *sig = n > 0 ? args[0] : NULL, *file = NULL;
    for (Py_ssize_t k = 0; kwnames && k < PyTuple_GET_SIZE(kwnames); k++) {
        const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k));
        PyObject *v = args[n + k];
        if (name && !strcmp(name, "signature") && !sig) sig = v;
        else if (name && !strcmp(name, "file")) file = v;
        else if (name && !strcmp(name, "pretty") && !PyObject_IsTrue(v)) continue;
        else return PyErr_Format(PyExc_TypeError, "inspect_types() got an unexpected keyword argument '%s'", name ? name : "?");
    }
    PyObject *r = sig && sig != Py_None ? pick(pm_inspect_types(d), &sig, 1) : pm_inspect_types(d);
    if (!r || !file || file == Py_None) return r;
    PyObject *texts = PyDict_Check(r) ? PyDict_Values(r) : PyList_New(1);
    if (texts && !PyDict_Check(r)) PyList_SET_ITEM(texts, 0, Py_NewRef(r));
    Py_DECREF(r);
    for (Py_ssize_t i = 0; texts && i < PyList_GET_SIZE(texts); i++) {
        PyObject *w = PyObject_CallMethod(file, "write", "O", PyList_GET_ITEM(texts, i));
        if (!w) Py_CLEAR(texts);
        Py_XDECREF(w);
    }
    if (!texts) return NULL;
    Py_DECREF(texts);
    Py_RETURN_NONE;
}

static PyObject *m_compile(Dispatcher *d, PyObject *arg) {
    PyObject *sig = pm_call("ember.types", "_signature_text", "(O)", arg);
    int rc = sig ? compile_signature(d, sig) : -1;
    Py_XDECREF(sig);
    if (rc) return NULL;
    Py_RETURN_NONE;
}

/* For `ember.aot build`: compile a signature (if not yet) and hand over what the module needs. */
static PyObject *m_export(Dispatcher *d, PyObject *sig) {
    if (!PyUnicode_Check(sig)) return PyErr_Format(PyExc_TypeError, "_export() takes a signature string");
    const Type *ret, **args;
    int nargs;
    char err[256];
    if (ty_parse_signature(PyUnicode_AsUTF8(sig), &ret, &args, &nargs, err, sizeof err))
        return PyErr_Format(PyExc_TypeError, "invalid signature '%U': %s", sig, err);
    bool fptr = ret && ret->kind == TY_FUNCPTR;   /* a FunctionType's pointer comes from an ember Dispatcher */
    for (int i = 0; i < nargs; i++) fptr |= args[i]->kind == TY_FUNCPTR;
    if (fptr) {
        free(args);
        return PyErr_Format(PyExc_TypeError, "'%U': AOT modules do not take or return FunctionType values", sig);
    }
    Spec *s = nargs == nparams_of(d) ? pm_find_spec(d, args, nargs) : NULL;
    if (!s && compile_signature(d, sig) == 0) s = pm_find_spec(d, args, nargs);
    free(args);
    if (!s || pm_spec_code(s)) return NULL;
    PyObject *names = PyList_New(s->nargs);
    for (int i = 0; names && i < s->nargs; i++) PyList_SET_ITEM(names, i, PyUnicode_FromString(s->args[i]->name));
    return Py_BuildValue("{sssNsssOsOsi}", "ret", s->ret->name, "args", names, "symbol", s->symbol,
                         "object", s->object, "bitcode", s->bitcode, "needs", rt_code_needs(s->code));
}

/* Pickling and tokens are written in Python (ember/_pickle.py). A Dispatcher is immutable to
 * its users, as a function is, so a copy is the Dispatcher itself (copy treats functions so). */
static PyObject *m_reduce(Dispatcher *d, PyObject *unused) { return pm_call("ember._pickle", "reduce", "(O)", (PyObject *)d); }
static PyObject *m_dask_tokenize(Dispatcher *d, PyObject *unused) { return pm_call("ember._pickle", "tokenize", "(O)", (PyObject *)d); }
static PyObject *m_copy(Dispatcher *d, PyObject *unused) { return Py_NewRef(d); }
static PyObject *m_deepcopy(Dispatcher *d, PyObject *memo) { return Py_NewRef(d); }

/* A FunctionType argument (runtime/box.c): the address of the native function of this
 * function's specialisation for the parameters of `name` (FunctionType[ret(params)]), compiled
 * now if it is lazy; a TypeError if it does not return ret. The address is this process's, held
 * by the Dispatcher that the caller's argument keeps alive during the call. */
static PyObject *m_address(Dispatcher *d, PyObject *name) {
    const char *text = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL, *end;
    char err[256] = "", sig[512];
    const Type *t = text ? ty_parse(text, &end, err, sizeof err) : NULL;
    if (!t || t->kind != TY_FUNCPTR) return PyErr_Format(PyExc_TypeError, "_ember_address() takes a FunctionType's name");
    const Type **params = t->elems + 1;
    int np = t->n - 1;
    PyObject *qual = ((PyFunctionObject *)d->py_func)->func_qualname;
    if (np != nparams_of(d))
        return PyErr_Format(PyExc_TypeError, "%U takes %d arguments, so it cannot be passed as %s", qual, nparams_of(d), t->name);
    Spec *s = pm_find_spec(d, params, np);
    if (!s && d->lazy) s = pm_compile(d, params, np, NULL, false, false);   /* (its native function is made from the bitcode) */
    else if (!s) return PyErr_Format(PyExc_TypeError, "%U has no signature %s%s, so it cannot be passed as %s", qual,
                                     t->elems[0]->name, pm_signature_text(params, np, sig, sizeof sig), t->name);
    if (!s) return NULL;
    if (s->ret != t->elems[0])
        return PyErr_Format(PyExc_TypeError, "%U%s returns %s, so it cannot be passed as %s", qual,
                            pm_signature_text(params, np, sig, sizeof sig), s->ret->name, t->name);
    void *p = pm_native_address(s);
    return p ? PyLong_FromVoidPtr(p) : NULL;
}

/* recompile(): every specialisation compiled again, as Numba's: globals are frozen when a
 * function compiles, so one changed since is seen from now on. The old ones are kept (another
 * thread may be running one) but no longer found; a failing compile leaves the rest retired too,
 * to be compiled again when called. */
static PyObject *m_recompile(Dispatcher *d, PyObject *unused) {
    int n = d->nspecs;
    if (!n) Py_RETURN_NONE;
    Spec **grown = realloc(d->retired, sizeof(Spec *) * (size_t)(d->nretired + n));
    if (!grown) return PyErr_NoMemory();
    d->retired = grown;
    Spec **old = d->retired + d->nretired;
    memcpy(old, d->specs, sizeof(Spec *) * (size_t)n);
    d->nretired += n;
    d->nspecs = 0;
    for (int i = 0; i < n; i++) {
        Spec *s = old[i];
        if (!pm_compile(d, s->args, s->nargs, s->is_explicit ? s->sig_ret : NULL, s->is_explicit, true)) return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *m_compile_signatures(Dispatcher *d, PyObject *sigs) {
    if (compile_signatures(d, sigs)) return NULL;
    Py_RETURN_NONE;
}

static PyObject *descr_get(PyObject *self, PyObject *obj, PyObject *type) {
    if (!obj || obj == Py_None) return Py_NewRef(self);
    return PyMethod_New(self, obj);
}

static PyMethodDef dispatcher_methods[] = {
    {"inspect_llvm", (PyCFunction)(void (*)(void))m_inspect_llvm, METH_FASTCALL, "Optimised LLVM IR per signature."},
    {"inspect_asm", (PyCFunction)(void (*)(void))m_inspect_asm, METH_FASTCALL, "Assembly per signature."},
    {"inspect_types", (PyCFunction)(void (*)(void))m_inspect_types, METH_FASTCALL | METH_KEYWORDS,
     "Typed IR per signature; file=: written there (Numba's form)."},
    {"disable_compile", (PyCFunction)(void (*)(void))m_disable_compile, METH_FASTCALL,
     "Compile no new specialisations (val=True, the default), or again (False)."},
    {"compile", (PyCFunction)m_compile, METH_O, "Compile for a signature (a string or ember.types object) now."},
    {"recompile", (PyCFunction)m_recompile, METH_NOARGS, "Compile every specialisation again (globals as they are now)."},
    {"_export", (PyCFunction)m_export, METH_O, "Compile a signature for an AOT module: its object code and types."},
    {"_compile_signatures", (PyCFunction)m_compile_signatures, METH_O,
     "Compile signature strings as the decorator's: the dispatcher then compiles no others."},
    {"_ember_address", (PyCFunction)m_address, METH_O, "A FunctionType argument's native function address."},
    {"__reduce__", (PyCFunction)m_reduce, METH_NOARGS, "Pickle by reference (module-level) or by value."},
    {"__dask_tokenize__", (PyCFunction)m_dask_tokenize, METH_NOARGS, "A deterministic token of the code and options."},
    {"__copy__", (PyCFunction)m_copy, METH_NOARGS, "The dispatcher itself."},
    {"__deepcopy__", (PyCFunction)m_deepcopy, METH_O, "The dispatcher itself."},
    {NULL},
};

static PyGetSetDef dispatcher_getset[] = {
    {"signatures", (getter)get_signatures, NULL, "argument types of each compiled specialisation"},
    {"nopython_signatures", (getter)get_nopython_signatures, NULL, "each specialisation's Signature (return and argument types)"},
    {"overloads", (getter)get_overloads, NULL, "{argument types: CompileResult} of each compiled specialisation"},
    {"stats", (getter)get_stats, NULL, "compile counters"},
    {"py_func", (getter)get_py_func, NULL, "the Python function"},
    {"_fixed_signatures", (getter)get_fixed_signatures, NULL, "signatures a pickled copy compiles again"},
    {"targetoptions", (getter)get_options, NULL, "the decorator's options"},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict},
    {NULL},
};

PyTypeObject PmDispatcherType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ember.Dispatcher",
    .tp_basicsize = sizeof(Dispatcher),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_METHOD_DESCRIPTOR,
    .tp_doc = "A function compiled by ember, specialised per argument types.",
    .tp_new = dispatcher_new,
    .tp_dealloc = (destructor)dispatcher_dealloc,
    .tp_traverse = (traverseproc)dispatcher_traverse,
    .tp_clear = (inquiry)dispatcher_clear,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(Dispatcher, vectorcall),
    .tp_dictoffset = offsetof(Dispatcher, dict),
    .tp_weaklistoffset = offsetof(Dispatcher, weakrefs),
    .tp_methods = dispatcher_methods,
    .tp_getset = dispatcher_getset,
    .tp_descr_get = descr_get,
};
