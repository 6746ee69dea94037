/* driver.c: one compile, end to end, and the diagnostics it may end with.
 *
 *   pm_compile: lock -> (load the code generator once) -> fe_build -> ti_infer -> cg compile
 *               -> a new Spec on the Dispatcher
 *
 * The compile lock (owner: this file) serialises compiles across threads and is re-entrant, so
 * compiling a caller may compile its callees. A thread that waits for it releases the GIL, and
 * after taking it looks the signature up again: two threads making the same first call compile
 * once. The code generator (ember._embercc, which links LLVM) is imported on the first compile,
 * so `import ember` stays cheap.
 *
 * A compile's diagnostics become one Python exception (ember.errors.TypingError,
 * UnsupportedError or EmberError) reading:
 *
 *   kernels.py:12 in saxpy: cannot add float64 and str
 *       y[i] = a * x[i] + s
 *                  ^^^^^^^^
 *   (compiling saxpy for argument types (float64[:], float64[:], str))
 */
#include "pm.h"
#include "cg.h"
#include "fe.h"
#include "linalg.h"
#include "loader.h"
#include <stdlib.h>
#include <string.h>

/* ---- the compile lock -------------------------------------------------------------- */
static PyThread_type_lock compile_lock;
static unsigned long lock_owner;
static int lock_depth;

static int lock_compile(void) {
    unsigned long me = PyThread_get_thread_ident();
    if (!compile_lock && !(compile_lock = PyThread_allocate_lock())) return PyErr_NoMemory(), -1;
    if (lock_depth > 0 && lock_owner == me) {
        lock_depth++;
        return 0;
    }
    if (!PyThread_acquire_lock(compile_lock, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS
        PyThread_acquire_lock(compile_lock, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
    lock_owner = me;
    lock_depth = 1;
    return 0;
}

static void unlock_compile(void) {
    if (--lock_depth == 0) {
        lock_owner = 0;
        PyThread_release_lock(compile_lock);
    }
}

/* ---- the code generator ------------------------------------------------------------ */
static const CgApi *cg;

static int load_codegen(void) {
    if (cg) return 0;
    PyObject *mod = PyImport_ImportModule("ember._embercc");   /* loads LLVM */
    if (!mod) return -1;
    Py_DECREF(mod);
    const CgApi *api = PyCapsule_Import(EMBER_CG_CAPSULE, 0);
    if (!api) return -1;
    if (api->abi_version != EMBER_CG_ABI) {
        PyErr_SetString(PyExc_ImportError, "ember._embercc does not match ember._ember; reinstall ember");
        return -1;
    }
    if (ti_init_builtins() || api->init(ty_state)) return -1;
    cg = api;
    return 0;
}

/* ---- compiles in progress (for recursion between dispatchers) ---------------------- *
 * A compile whose typing calls back into a compile in progress (f calls g calls f) makes a
 * recursion cycle. Its compiles give up, without a diagnostic, down to the one called back
 * (`cycle_to`), whose typing then takes its callee in as a member (typeinfer/cycle.c): the
 * function's IR is built in that compile's context and typed and lowered with it, and later calls
 * of the same function and argument types from the cycle find it among `members`.
 */
typedef struct Member {
    Dispatcher *d;
    const Type **args;   /* in the compile's ctx */
    int nargs;
    Function *fn;
} Member;

typedef struct InProgress {
    Dispatcher *d;
    const Type **args;
    int nargs;
    PyObject *callees;   /* the Dispatchers whose bitcode it links: alive until it is done */
    Member *members;     /* the other functions of its recursion cycle (malloc'd) */
    int nmembers;
    struct InProgress *next;
} InProgress;
static InProgress *in_progress;   /* guarded by the compile lock */
static InProgress *cycle_to;      /* the compile a callee called back into, until its typing takes the callee in */

static bool same_call(Dispatcher *d, const Type **args, int nargs, Dispatcher *d2, const Type **args2, int nargs2) {
    return d == d2 && nargs == nargs2 && !memcmp(args, args2, sizeof(Type *) * (size_t)nargs);
}

/* The compile in progress that (d, args) is part of: its own function, or a member (*member). */
static InProgress *in_progress_of(Dispatcher *d, const Type **args, int nargs, Member **member) {
    *member = NULL;
    for (InProgress *p = in_progress; p; p = p->next) {
        if (same_call(d, args, nargs, p->d, p->args, p->nargs)) return p;
        for (int k = 0; k < p->nmembers; k++)
            if (same_call(d, args, nargs, p->members[k].d, p->members[k].args, p->members[k].nargs))
                return *member = &p->members[k], p;
    }
    return NULL;
}
/* ---- diagnostics ------------------------------------------------------------------- */
const char *pm_signature_text(const Type **args, int nargs, char *buf, size_t len) {
    size_t n = (size_t)snprintf(buf, len, "(");
    for (int i = 0; i < nargs && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", args[i]->name);
    if (n < len) snprintf(buf + n, len - n, ")");
    return buf;
}

static PyObject *error_class(DiagKind kind) {
    PyObject *mod = PyImport_ImportModule("ember.errors");
    if (!mod) return NULL;
    PyObject *cls = PyObject_GetAttrString(mod, kind == DIAG_TYPING ? "TypingError"
                                                : kind == DIAG_UNSUPPORTED ? "UnsupportedError" : "EmberError");
    Py_DECREF(mod);
    return cls;
}

static PyObject *source_line(const char *filename, int line) {
    PyObject *lc = PyImport_ImportModule("linecache");
    PyObject *s = lc ? PyObject_CallMethod(lc, "getline", "si", filename, line) : NULL;
    Py_XDECREF(lc);
    if (!s) PyErr_Clear();
    return s;
}

/* Raise the first diagnostic of ctx as a Python exception. */
static void raise_diag(Ctx *ctx, const char *qualname, const Type **args, int nargs) {
    if (PyErr_Occurred()) return;   /* a Python error (from a nested compile, or a real one) wins */
    Diag *d = ctx->diags;
    if (!d) {
        PyErr_SetString(PyExc_SystemError, "ember: compile failed without a diagnostic");
        return;
    }
    const char *file = d->filename ? d->filename : "<unknown>";
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    char sig[512];
    PyObject *text = PyUnicode_FromFormat("%s:%d in %s: %s", base, d->loc.line,
                                          d->funcname ? d->funcname : qualname, d->msg);
    PyObject *src = d->loc.line > 0 ? source_line(file, d->loc.line) : NULL;
    if (text && src && PyUnicode_GET_LENGTH(src) > 0) {
        const char *s = PyUnicode_AsUTF8(src);
        int indent = 0;
        while (s[indent] == ' ' || s[indent] == '\t') indent++;
        int len = (int)strlen(s + indent);
        while (len > 0 && (s[indent + len - 1] == '\n' || s[indent + len - 1] == '\r')) len--;
        char *line = strndup(s + indent, (size_t)len);
        PyObject *more = line ? PyUnicode_FromFormat("%U\n    %s", text, line) : NULL;
        free(line);
        Py_SETREF(text, more);
        int col = d->loc.col, end = d->loc.end_col;
        if (col < indent || end <= col) {   /* no column range: underline the whole line */
            col = indent;
            end = indent + len;
        }
        if (text && end > col) {
            char caret[1024];
            int pad = col - indent, width = end - col;
            if (pad + width < (int)sizeof caret - 1) {
                memset(caret, ' ', (size_t)pad);
                memset(caret + pad, '^', (size_t)width);
                caret[pad + width] = 0;
                more = PyUnicode_FromFormat("%U\n    %s", text, caret);
                Py_SETREF(text, more);
            }
        }
    }
    Py_XDECREF(src);
    if (text) {
        PyObject *more = PyUnicode_FromFormat("%U\n(compiling %s for argument types %s)", text, qualname,
                                              pm_signature_text(args, nargs, sig, sizeof sig));
        Py_SETREF(text, more);
    }
    PyObject *cls = error_class(d->kind);
    if (cls && text) PyErr_SetObject(cls, text);
    Py_XDECREF(cls);
    Py_XDECREF(text);
}

/* ---- hooks for typing -------------------------------------------------------------- */
static bool host_is_dispatcher(PyObject *obj) { return Py_TYPE(obj) == &PmDispatcherType; }
static PyObject *host_py_func(PyObject *obj) { return ((Dispatcher *)obj)->py_func; }

/* Typing and codegen borrow a callee's types and bitcode: its Dispatcher (and so its
 * specialisations) stays alive until the compile that calls it is done. */
static int keep_callee(PyObject *obj) {
    if (!in_progress) return 0;   /* inspect_types: typing only, nothing kept afterwards */
    if (!in_progress->callees && !(in_progress->callees = PyList_New(0))) return -1;
    return PyList_Append(in_progress->callees, obj);
}

/* A @vectorize function (its kernel d) called with arrays: the compiled function that applies the
 * kernel element by element with NumPy's broadcasting (ember/_ufunc.py writes it), to call
 * instead. Borrowed (the kernel keeps it); NULL with a diagnostic or a Python error. */
static Dispatcher *elementwise(Ctx *ctx, Dispatcher *d, const Type **args, int nargs, Function *caller, Loc loc) {
    const char *qualname = PyUnicode_AsUTF8(((PyFunctionObject *)d->py_func)->func_qualname);
    const Type *elems[64];
    for (int i = 0; i < nargs && i < 64; i++) {
        bool array = args[i]->kind == TY_ARRAY;
        elems[i] = array ? ty_scalar_of(args[i]->dtype) : args[i];
        if ((array && args[i]->ndim == 0) || !ty_is_number(elems[i]))
            return ctx_error(ctx, DIAG_UNSUPPORTED, caller, loc, "%s is a @vectorize function: compiled code calls it "
                             "with numbers and arrays of one or more dimensions (argument %d is %s)", qualname, i + 1,
                             args[i]->name), NULL;
    }
    Spec *k = pm_find_spec(d, elems, nargs);
    if (!k && !(k = pm_compile(d, elems, nargs, NULL, false, false))) return NULL;
    int dt = k->ret == ty_float64 && k->ret_facts.f32 ? DT_FLOAT32 : ty_dtype_of_scalar(k->ret);   /* a float32 loop's */
    if (dt < 0)
        return ctx_error(ctx, DIAG_TYPING, caller, loc, "%s returns %s, not a number, for its elements", qualname,
                         k->ret->name), NULL;
    PyObject *names = PyTuple_New(nargs);
    for (int i = 0; names && i < nargs; i++) PyTuple_SET_ITEM(names, i, PyUnicode_FromString(args[i]->name));
    PyObject *h = names ? pm_call("ember._ufunc", "_elementwise", "(ONs)", (PyObject *)d, names, ty_dtypes[dt].name) : NULL;
    Py_XDECREF(h);   /* the kernel's __dict__ holds it */
    return h && Py_TYPE(h) == &PmDispatcherType ? (Dispatcher *)h : NULL;
}

static Function *build_ir(Ctx *ctx, Dispatcher *d);

static int cycle_member(Ctx *ctx, Function *fn, Callee *out, Function *caller, Loc loc, const char *name) {
    if (!out->join_cycle)
        return ctx_error(ctx, DIAG_UNSUPPORTED, caller, loc, "mutual recursion through a function value (%s) is "
                         "not supported: call it by name", name);
    out->member = fn;
    return 1;
}

/* (d, args) calls back into the compile in progress: a member of its cycle from now on. */
static int join_cycle(Ctx *ctx, Dispatcher *d, const Type **args, int nargs, Callee *out, Function *caller, Loc loc,
                      const char *name) {
    if (!out->join_cycle) return cycle_member(ctx, NULL, out, caller, loc, name);
    InProgress *p = in_progress;
    Function *fn = build_ir(ctx, d);
    if (!fn) return -1;
    const Type **copy = ctx_alloc(ctx, sizeof(Type *) * (size_t)(nargs + 1));
    Member *list = copy ? realloc(p->members, sizeof(Member) * (size_t)(p->nmembers + 1)) : NULL;
    if (!list) return PyErr_NoMemory(), -1;
    memcpy(copy, args, sizeof(Type *) * (size_t)nargs);
    p->members = list;
    p->members[p->nmembers++] = (Member){d, copy, nargs, fn};
    if (keep_callee((PyObject *)d)) return -1;
    return cycle_member(ctx, fn, out, caller, loc, name);
}

/* A compile error inside one of ember's own implementations of a NumPy or library function
 * (ember/_np*.py, _pylib.py): reported at the user's call, the implementation's place kept as a
 * note ("np.linalg.cond(a, 'nuc') ... at _npfuncs.py:1038" pointed into ember). -1. */
static int ember_impl_error(Ctx *ctx, Dispatcher *d, Function *caller, Loc loc) {
    if (!PyErr_Occurred() || !caller || loc.line <= 0) return -1;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *mod = PyObject_GetAttrString(d->py_func, "__module__");
    const char *m = mod && PyUnicode_Check(mod) ? PyUnicode_AsUTF8(mod) : NULL;
    bool ours = m && !strncmp(m, "ember.", 6) && type && PyType_Check(type);
    Py_XDECREF(mod);
    PyErr_Clear();
    PyObject *text = ours && value ? PyObject_Str(value) : NULL;
    const char *msg = text ? PyUnicode_AsUTF8(text) : NULL;
    const char *sep = msg ? strstr(msg, ": ") : NULL, *end = msg ? strchr(msg, '\n') : NULL;
    if (!msg || !sep || (end && sep > end)) {   /* not a located message: left as it is */
        PyErr_Clear();   /* (of PyObject_Str or the UTF-8 conversion) */
        Py_XDECREF(text);
        PyErr_Restore(type, value, tb);
        return -1;
    }
    DiagKind kind = strstr(((PyTypeObject *)type)->tp_name, "Unsupported") ? DIAG_UNSUPPORTED : DIAG_TYPING;
    int n = (int)(end ? end - (sep + 2) : (ptrdiff_t)strlen(sep + 2));
    int rc = ctx_error(ctx, kind, caller, loc, "%.*s (in ember's implementation: %.*s)", n, sep + 2, (int)(sep - msg), msg);
    Py_DECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return rc;
}

static int host_compile_callee(Ctx *ctx, PyObject *obj, const Type **args, int nargs, Callee *out,
                               Function *caller, Loc loc) {
    Dispatcher *d = (Dispatcher *)obj;
    bool arrays = false;
    for (int i = 0; i < nargs; i++) arrays |= args[i]->kind == TY_ARRAY;
    PyObject *vectorized = PyDict_GetItemString(d->options, "_vectorized");   /* ember/_ufunc.py */
    if (arrays && vectorized && PyUnicode_Check(vectorized) && PyUnicode_CompareWithASCIIString(vectorized, "vectorize") == 0) {
        if (!(d = elementwise(ctx, d, args, nargs, caller, loc))) return -1;
        obj = (PyObject *)d;
    }
    /* inline="always" with signatures: Numba inlines the callee's body typed for the call, its
     * signatures unused; compiled for the call's types here (fast_hdbscan) */
    PyObject *inl = PyDict_GetItemString(d->options, "inline");
    bool inlined = inl && PyUnicode_Check(inl) && !PyUnicode_CompareWithASCIIString(inl, "always");
    Spec *s = pm_find_spec(d, args, nargs);
    if (!s && !d->lazy && !inlined) s = pm_find_convertible(d, args, nargs);
    if (!s) {
        char sig[512];
        const char *name = PyUnicode_AsUTF8(((PyFunctionObject *)d->py_func)->func_qualname);
        Member *m;
        InProgress *p = in_progress_of(d, args, nargs, &m);   /* (a signature given to @njit compiles at decoration) */
        if (!p && !d->lazy && !inlined)
            return ctx_error(ctx, DIAG_TYPING, caller, loc, "no signature of %s matches argument types %s",
                             name, pm_signature_text(args, nargs, sig, sizeof sig));
        if (p && p != in_progress) {   /* a call back into a compile below this one: give up down to it */
            cycle_to = p;
            return -1;
        }
        if (p && !m)
            return ctx_error(ctx, DIAG_UNSUPPORTED, caller, loc, "%s calls itself through an inner function or a "
                             "function value (not supported)", name);
        if (p) return cycle_member(ctx, m->fn, out, caller, loc, name);
        if (!(s = pm_compile(d, args, nargs, NULL, false, false))) {
            if (!cycle_to || cycle_to != in_progress) return ember_impl_error(ctx, d, caller, loc);   /* an error, or a cycle below */
            cycle_to = NULL;   /* the callee calls back into this compile: it joins it */
            return join_cycle(ctx, d, args, nargs, out, caller, loc, name);
        }
    }
    if (keep_callee(obj)) return -1;
    out->ret = s->ret;
    out->params = s->held;
    out->nparams = s->nargs;
    out->symbol = s->symbol;
    out->bitcode = s->bitcode;
    out->ret_facts = s->ret_facts;
    out->raises_refs = s->raises_refs;
    out->py_func = d->py_func;
    return 0;
}

/* np.linalg runs on the BLAS/LAPACK NumPy ships. */
static const char *host_linalg_init(void) { return rt_linalg_init_numpy(); }

/* What compiled code calls for a NumPy function that ember implements in Python
 * (ember/_nplib.py's, _npfuncs.py's, _nprandom.py's and _npextra.py's IMPLS, and ember/_pylib.py's for cmath, operator and some of math: an
 * object choosing the implementation per call, like @stencil's),
 * borrowed; NULL (no error) for others. The table is imported on the first compile that asks. */
static PyObject *python_impl(PyObject *obj) {
    static PyObject *impls;   /* _nplib's, _npfuncs', _nprandom's and _npextra's IMPLS, then _pylib's (cmath, operator, math) in one dict */
    if (!impls) {
        static const char *const modules[] = {"ember._nplib", "ember._npfuncs", "ember._nprandom", "ember._npextra",
                                              "ember._pylib"};
        impls = PyDict_New();
        for (int i = 0; impls && i < 5; i++) {
            PyObject *mod = PyImport_ImportModule(modules[i]);
            PyObject *table = mod ? PyObject_GetAttrString(mod, "IMPLS") : NULL;
            if (!table || !PyDict_Check(table) || PyDict_Update(impls, table)) Py_CLEAR(impls);
            Py_XDECREF(table);
            Py_XDECREF(mod);
        }
        if (!impls) {
            PyErr_Clear();
            return NULL;
        }
    }
    PyObject *impl = PyDict_GetItemWithError(impls, obj);
    if (!impl) PyErr_Clear();   /* not there, or unhashable */
    return impl;
}

/* What compiled callers call for an ember ufunc (pymodule/ufunc.c: an ember._gufunc.Caller), or
 * for a NumPy function that ember implements in Python. */
static PyObject *host_kernel_of(PyObject *obj) {
    PyObject *k = pm_ufunc_kernel(obj);
    return k ? k : python_impl(obj);
}

/* The one signature a Dispatcher compiled with signatures (not lazy) has, as a FunctionType. */
static const Type *host_fixed_signature(PyObject *obj) {
    Dispatcher *d = (Dispatcher *)obj;
    return d->lazy || d->nspecs != 1 ? NULL : ty_funcptr(d->specs[0]->ret, d->specs[0]->nargs, d->specs[0]->held);
}

static bool host_is_lazy(PyObject *obj) { return ((Dispatcher *)obj)->lazy; }

static const TiHost host = {host_is_dispatcher, host_py_func, host_compile_callee, host_linalg_init, host_kernel_of,
                            host_fixed_signature, host_is_lazy};

/* locals={'x': 'float64'} (ember/__init__.py turns type objects into names): each variable
 * of that name, in every version, has that type (typeinfer/infer.c). A name that is no variable
 * of the function is ignored, as Numba does (libraries share one locals= dict among functions). */
static int declare_locals(Ctx *ctx, Function *fn, PyObject *locals) {
    Loc at = {fn->firstline, -1, -1};
    if (!(fn->declared = ctx_alloc(ctx, sizeof(Type *) * (size_t)(fn->nvars + 1)))) return -1;
    if (!(fn->declared_dt = ctx_alloc(ctx, sizeof(int) * (size_t)(fn->nvars + 1)))) return -1;
    for (int v = 0; v < fn->nvars; v++) fn->declared_dt[v] = -1;
    PyObject *name, *type;
    Py_ssize_t pos = 0;
    while (PyDict_Next(locals, &pos, &name, &type)) {
        const char *var = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
        const char *text = PyUnicode_Check(type) ? PyUnicode_AsUTF8(type) : NULL, *end;
        char err[256] = "";
        const Type *t = text ? ty_parse(text, &end, err, sizeof err) : NULL;
        if (!var || !t || *end)
            return ctx_error(ctx, DIAG_TYPING, fn, at, "locals=: invalid type for '%s': %s", var ? var : "?",
                             err[0] ? err : "expected a type name");
        for (int v = 0; v < fn->nvars; v++)   /* (a name the function has no variable of is ignored, as by Numba) */
            if (!strcmp(fn->varnames[v], var)) {
                fn->declared[v] = t;
                fn->declared_dt[v] = ty_narrow_dtype_named(text);   /* {'h': uint32}: stores wrap to 32 bits */
            }
    }
    return 0;
}

/* ---- the compile ------------------------------------------------------------------- */
static Function *build_ir(Ctx *ctx, Dispatcher *d) {
    PyFunctionObject *f = (PyFunctionObject *)d->py_func;
    PyCodeObject *co = (PyCodeObject *)f->func_code;
    if (PyUnicode_Check(co->co_name) && PyUnicode_Check(co->co_qualname) &&
        !PyUnicode_Compare(co->co_name, co->co_qualname)) {   /* a module-level function: its own name */
        ctx->self = (PyObject *)d;
        ctx->self_name = PyUnicode_AsUTF8(co->co_name);
    }
    Function *fn = fe_build(ctx, f->func_code, f->func_globals, f->func_builtins, f->func_closure);
    ctx->self = NULL;
    ctx->self_name = NULL;
    if (fn) {   /* boundscheck=True, or EMBER_BOUNDSCHECK=1 for every function */
        PyObject *bc = PyDict_GetItemString(d->options, "boundscheck");
        const char *env = getenv("EMBER_BOUNDSCHECK");
        fn->boundscheck = (bc && PyObject_IsTrue(bc) == 1) || (env && !strcmp(env, "1"));
        PyObject *par = PyDict_GetItemString(d->options, "parallel");
        fn->parallel = par && PyObject_IsTrue(par) == 1;
        PyObject *em = PyDict_GetItemString(d->options, "error_model");
        fn->error_numpy = em && PyUnicode_Check(em) && !PyUnicode_CompareWithASCIIString(em, "numpy");
        PyObject *fm = PyDict_GetItemString(d->options, "fastmath");   /* True, or Numba's set of flags */
        fn->fastmath = fm && PyObject_IsTrue(fm) == 1;
    }
    PyObject *locals = PyDict_GetItemString(d->options, "locals");
    if (fn && locals && PyDict_Check(locals) && PyDict_GET_SIZE(locals) && declare_locals(ctx, fn, locals)) return NULL;
    return fn;
}

static void dump(Ctx *ctx, Function *fn, const Type *const *types, const char *title) {
    char *s = ir_dump_string(fn, types);
    PySys_FormatStderr("--- %s ---\n", title);
    if (s) fputs(s, stderr);
}

/* The Dispatchers an argument type names (itself, or in a tuple), appended to keep. */
static int keep_functions(PyObject *keep, const Type *t) {
    if (t->kind == TY_DISPATCHER) return PyList_Append(keep, t->obj);
    for (int i = 0; t->kind == TY_TUPLE && i < t->n; i++)
        if (keep_functions(keep, t->elems[i]) < 0) return -1;
    return 0;
}

static bool names_function(const Type *t) {
    if (t->kind == TY_DISPATCHER || t->kind == TY_CFUNC) return true;
    for (int i = 0; t->kind == TY_TUPLE && i < t->n; i++)
        if (names_function(t->elems[i])) return true;
    return false;
}

/* A jitclass instance inside t: its methods' code is not in the key (ember/_cache.py). */
static bool holds_instance(const Type *t) {
    if (t->kind == TY_CLASS) return true;
    for (int i = 0; (t->kind == TY_TUPLE || t->kind == TY_LIST || t->kind == TY_DICT) && i < t->n; i++)
        if (t->elems[i] && holds_instance(t->elems[i])) return true;
    return false;
}

/* Load s->object: its entry, and NumPy's BLAS when the code calls it. */
static int load_code(Spec *s, char *err, size_t errlen) {
    char *entry = malloc(strlen(s->symbol) + 7);
    RtCode *code = NULL;
    if (!entry) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sprintf(entry, "%s.entry", s->symbol);
    const char *why = NULL;
    RtEntry e = NULL;
    if (!(code = rt_code_load(PyBytes_AS_STRING(s->object), (size_t)PyBytes_GET_SIZE(s->object), err, errlen))) goto fail;
    if (!(e = (RtEntry)rt_code_symbol(code, entry))) {
        snprintf(err, errlen, "the object code does not define %s", entry);
        goto fail;
    }
    if ((why = rt_code_needs(code) & RT_NEEDS_BLAS ? host_linalg_init() : NULL)) {
        snprintf(err, errlen, "%s", why);
        goto fail;
    }
    free(entry);
    s->code = code;
    s->entry = e;
    return 0;
fail:
    rt_code_free(code);
    free(entry);
    return -1;
}

/* Whether a return statement of the function returns None itself (`return None`, a bare
 * return): a signature naming a T refuses it, as Numba's; an OptionalType(T) value returned is
 * taken (its value, TypeError where None). */
static bool returns_none(TypeInfo *ti) {
    for (int i = 0; i < ti->fn->ninstrs; i++) {
        Instr *in = ti->fn->instrs[i];
        if (in && in->op == IR_RETURN && in->nargs && ti->vtypes[in->args[0]] && ti->vtypes[in->args[0]]->kind == TY_NONE)
            return true;
    }
    return false;
}

/* The namedtuple and Enum classes among the globals of d's function, made known to type names (a
 * cached return type names Order(size: float64, price: float64) or Enum<int64>(Op) before this
 * process has seen an Order or an Op); whether it found one. */
static bool note_global_classes(Dispatcher *d) {
    PyObject *globals = PyFunction_Check(d->py_func) ? PyFunction_GET_GLOBALS(d->py_func) : NULL, *k, *v;
    Py_ssize_t pos = 0;
    bool found = false;
    while (globals && PyDict_Next(globals, &pos, &k, &v)) {
        if (ty_is_namedtuple_class(v)) {
            ty_note_namedtuple_class(v);
            found = true;
        }
        PyObject *members = ty_is_enum_class(v) ? PyObject_GetAttrString(v, "__members__") : NULL;
        PyObject *all = members ? PyMapping_Values(members) : NULL;
        for (Py_ssize_t i = 0; all && i < PyList_GET_SIZE(all); i++)   /* each member's type (EnumMember) */
            found |= ty_typeof(PyList_GET_ITEM(all, i)) != NULL;
        Py_XDECREF(all);
        Py_XDECREF(members);
        PyErr_Clear();
    }
    return found;
}

/* A specialisation of compiled code. Takes over object and bitcode (also on failure). With no
 * object (a compile that made bitcode only), pm_spec_code makes and loads it when first needed. */
static Spec *new_spec(const Type **args, int nargs, const Type *ret, const char *symbol, PyObject *object,
                      PyObject *bitcode, bool is_explicit, char *err, size_t errlen) {
    Spec *spec = calloc(1, sizeof *spec);
    const Type **copy = malloc(sizeof(Type *) * (size_t)(2 * nargs + 1));   /* args, then held */
    char *sym = strdup(symbol);
    if (!spec || !copy || !sym || !(spec->keep = PyList_New(0))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    spec->symbol = sym;
    spec->object = object;
    object = NULL;
    if (spec->object && load_code(spec, err, errlen)) goto fail;
    for (int i = 0; i < nargs; i++)
        if (keep_functions(spec->keep, args[i]) < 0) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
    memcpy(copy, args, sizeof(Type *) * (size_t)nargs);
    for (int i = 0; i < nargs; i++) copy[nargs + i] = ty_held(args[i]);
    spec->nargs = nargs;
    spec->args = copy;
    spec->held = copy + nargs;
    spec->ret = ret;
    spec->bitcode = bitcode;
    spec->is_explicit = is_explicit;
    spec->raises_refs = true;   /* until its compile says (a cached one: not known) */
    return spec;
fail:
    if (spec) {
        rt_code_free(spec->code);
        Py_XDECREF(spec->keep);
        Py_XDECREF(spec->object);
    }
    free(spec);
    free(copy);
    free(sym);
    Py_XDECREF(object);
    Py_DECREF(bitcode);
    return NULL;
}

/* What the code generator makes from a specialisation's bitcode: its object (what NULL), or its
 * optimised module as text or assembly ("llvm", "asm"), under the compile lock (O3 runs). NULL
 * with a Python exception; a diagnostic names `symbol`. */
static PyObject *from_bitcode(PyObject *bitcode, const char *symbol, const Type *const *args, int nargs, const char *what) {
    Ctx *ctx = NULL;
    PyObject *r = NULL;
    if (lock_compile()) return NULL;
    if (load_codegen() || !(ctx = ctx_new())) goto done;
    ctx->dump = what ? 0 : ctx_dump_flags_from_env();
    r = !what ? cg->object(ctx, bitcode, symbol) : !strcmp(what, "asm") ? cg->inspect_asm(ctx, bitcode)
                                                                        : cg->inspect_llvm(ctx, bitcode);
    if (!r && !PyErr_Occurred()) raise_diag(ctx, symbol, (const Type **)args, nargs);
done:
    ctx_free(ctx);
    unlock_compile();
    return r;
}

/* s's object code, made from its bitcode (under the compile lock) and loaded when it has none
 * yet: a specialisation compiled as a callee of compiled code, now called from Python or built
 * into an AOT module. -1 with a Python exception. */
int pm_spec_code(Spec *s) {
    if (s->entry) return 0;
    if (lock_compile()) return -1;
    char err[300];
    int rc = 0;
    if (!s->entry) {   /* (another thread may have made it while the lock was awaited) */
        PyObject *object = s->object ? Py_NewRef(s->object) : from_bitcode(s->bitcode, s->symbol, s->args, s->nargs, NULL);
        Py_XSETREF(s->object, object);
        if (!object || load_code(s, err, sizeof err)) {
            if (object) PyErr_Format(PyExc_RuntimeError, "ember: cannot load the code compiled for %s: %s", s->symbol, err);
            rc = -1;
        }
    }
    unlock_compile();
    return rc;
}

void *pm_native_address(Spec *s) {
    if (s->native_addr) return s->native_addr;
    if (!s->bitcode) return PyErr_Format(PyExc_RuntimeError, "ember: no bitcode for %s", s->symbol), NULL;
    char *sym = malloc(strlen(s->symbol) + 8), err[300];
    if (!sym) return PyErr_NoMemory(), NULL;
    sprintf(sym, "%s.native", s->symbol);
    CgWrap w = {.kind = CG_WRAP_NATIVE, .symbol = sym, .kernel = s->symbol, .bitcode = s->bitcode,
                .params = s->held, .nparams = s->nargs, .ret = s->ret};
    CgResult out = {0};
    RtCode *code = NULL;
    if (s->nargs > CG_WRAP_MAX_OPERANDS) PyErr_Format(PyExc_TypeError, "more than %d parameters", CG_WRAP_MAX_OPERANDS);
    else if (pm_wrap(&w, &out) == 0 && !(code = rt_code_load(PyBytes_AS_STRING(out.object), (size_t)PyBytes_GET_SIZE(out.object), err, sizeof err)))
        PyErr_Format(PyExc_RuntimeError, "ember: cannot load %s: %s", sym, err);
    void *addr = code ? rt_code_symbol(code, sym) : NULL;
    if (code && s->native_addr) {   /* another thread made it while the compile lock was awaited */
        rt_code_free(code);
        code = NULL;
        addr = NULL;
    }
    if (code && !addr) {
        rt_code_free(code);
        code = NULL;
        PyErr_Format(PyExc_RuntimeError, "ember: the object code does not define %s", sym);
    }
    Py_XDECREF(out.object);
    Py_XDECREF(out.bitcode);
    free(sym);
    if (!code) return s->native_addr;   /* NULL with the exception, or the other thread's */
    s->native = code;
    return s->native_addr = addr;
}

void pm_free_spec(Spec *s) {
    rt_code_free(s->native);
    rt_code_free(s->code);
    Py_XDECREF(s->keep);
    Py_XDECREF(s->object);
    Py_XDECREF(s->bitcode);
    free(s->args);
    free(s->symbol);
    free(s);
}

/* ---- the on-disk cache (cache=True) ------------------------------------------------ *
 * ember/_cache.py owns the files and computes the key; this side turns an entry into a
 * specialisation without loading the code generator. A cache that cannot be used (a key that
 * cannot be computed, an unwritable directory, a corrupt entry) is a warning, never an error.
 */
/* Turn the pending Python exception into a warning about the cache. */
static void cache_warn(const char *what) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *r = pm_call("ember._cache", "warn", "(sO)", what, value ? value : Py_None);
    if (!r) PyErr_Clear();   /* a warning turned into an error by a filter: it cannot stop a compile */
    Py_XDECREF(r);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
}

static const char *signature_key(const Type **args, int nargs, const Type *declared_ret, char *buf, size_t len) {
    char sig[1024];
    size_t n = (size_t)snprintf(buf, len, "%s%s", declared_ret ? declared_ret->name : "", pm_signature_text(args, nargs, sig, sizeof sig));
    for (int i = 0; i < nargs && n < len; i++)   /* an np.int64 argument is named int64 too, but compiles apart */
        if (args[i]->kind == TY_NARROW && args[i] == ty_state->npscalar[args[i]->dtype])
            n += (size_t)snprintf(buf + n, len - n, " np%d", i);
    return buf;
}

/* Look the signature up on disk. Returns a probe to hand to cache_store after a compile (NULL
 * if the cache cannot be used) and sets *spec on a hit. */
static PyObject *cache_lookup(Dispatcher *d, const Type **args, int nargs, const Type *declared_ret,
                              bool is_explicit, Spec **spec) {
    char sig[1100];
    PyObject *probe = pm_call("ember._cache", "lookup", "(Os)", (PyObject *)d, signature_key(args, nargs, declared_ret, sig, sizeof sig));
    if (!probe) {
        cache_warn("cannot use the cache");
        return NULL;
    }
    PyObject *hit = PyObject_GetAttrString(probe, "hit");
    const char *ret_name, *symbol;
    PyObject *object, *bitcode;
    if (hit && hit != Py_None && PyArg_ParseTuple(hit, "ssSS", &ret_name, &symbol, &object, &bitcode)) {
        char err[300] = "";
        const char *end;
        const Type *ret = ty_parse(ret_name, &end, err, sizeof err);
        if (!ret && note_global_classes(d)) {   /* a namedtuple or Enum class of the code, not yet seen by this process */
            err[0] = 0;
            ret = ty_parse(ret_name, &end, err, sizeof err);
        }
        if (ret && (*end || strcmp(ret->name, ret_name))) ret = NULL;
        if (ret && (*spec = new_spec(args, nargs, ret, symbol, Py_NewRef(object), Py_NewRef(bitcode), is_explicit,
                                     err, sizeof err))) {
            d->cache_hits++;
        } else {
            PyObject *r = pm_call("ember._cache", "reject", "(Os)", probe, err[0] ? err : "its return type has no name");
            if (!r) cache_warn("cannot use the cache");
            Py_XDECREF(r);
        }
    }
    if (!hit || PyErr_Occurred()) cache_warn("cannot read the cache");
    Py_XDECREF(hit);
    return probe;
}

/* Let processes waiting for this entry go on (a compile that failed stores nothing). */
static void cache_release(PyObject *probe) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);   /* the failed compile's exception, kept */
    PyObject *r = pm_call("ember._cache", "release", "(O)", probe);
    if (!r) cache_warn("cannot release the cache's lock");
    Py_XDECREF(r);
    PyErr_Restore(type, value, tb);
}

static void cache_store(PyObject *probe, Spec *s) {
    PyObject *r = pm_call("ember._cache", "store", "(OssOO)", probe, s->ret->name, s->symbol, s->object, s->bitcode);
    if (!r) cache_warn("cannot write the cache");
    Py_XDECREF(r);
}

/* Whether a result of type `from` converts to a signature's return type `to` as Numba converts
 * it: numbers to numbers but complex ("int64(float64)" truncates), tuples item by item. */
static bool converts_on_return(const Type *from, const Type *to) {
    if (from == to || (ty_is_real(from) && ty_is_real(to))) return true;
    if ((from->kind == TY_DICT || from->kind == TY_LIST) && from->kind == to->kind && to->typed && !from->typed &&
        !from->attr && !to->attr && !to->narrow[0] && !to->narrow[1] && from->n == to->n) {   /* {0: 0} as DictType[int64,int64] */
        for (int i = 0; i < from->n; i++)   /* (one block either way: only the boundary differs) */
            if (from->elems[i] != to->elems[i]) return false;
        return true;
    }
    if (from->kind != TY_TUPLE || to->kind != TY_TUPLE || from->n != to->n) return false;
    for (int i = 0; i < from->n; i++)
        if (!converts_on_return(from->elems[i], to->elems[i])) return false;
    return true;
}

/* ---- the compile ------------------------------------------------------------------- */
Spec *pm_compile(Dispatcher *d, const Type **args, int nargs, const Type *declared_ret, bool is_explicit, bool called) {
    if (lock_compile()) return NULL;
    Spec *spec = pm_find_spec(d, args, nargs);   /* another thread may have compiled it meanwhile */
    if (spec) {
        unlock_compile();
        return spec;
    }
    Ctx *ctx = NULL;
    PyObject *probe = NULL, *key = NULL;
    const char *qualname = PyUnicode_AsUTF8(((PyFunctionObject *)d->py_func)->func_qualname);
    InProgress me = {d, args, nargs, NULL, NULL, 0, in_progress};
    in_progress = &me;
    const Type *sig_ret = declared_ret;
    bool takes_function = false;   /* a function passed as an argument: the key cannot name its code */
    for (int i = 0; i < nargs; i++) takes_function |= names_function(args[i]);
    bool takes_instance = false;
    for (int i = 0; i < nargs; i++) takes_instance |= holds_instance(args[i]);
    if (d->cache && takes_instance && !takes_function) {   /* as numba: code using jitclasses is compiled each run */
        PyErr_SetString(PyExc_TypeError, "an argument is a jitclass instance");
        cache_warn("this function is compiled, not cached");
        takes_function = true;
    }
    if (d->cache && !takes_function && (probe = cache_lookup(d, args, nargs, declared_ret, is_explicit, &spec)) && spec) {
        if (pm_add_spec(d, spec)) spec = NULL;
        goto done;
    }
    if (load_codegen() || !(ctx = ctx_new())) goto done;
    ctx->dump = ctx_dump_flags_from_env();
    Function *fn = build_ir(ctx, d);
    if (!fn) goto fail;
    if (ctx->dump & DUMP_IR) dump(ctx, fn, NULL, "IR");
    /* a cached specialisation is named by its key: callers in later processes link its bitcode */
    key = probe ? PyObject_GetAttrString(probe, "key") : NULL;
    const char *keytext = key ? PyUnicode_AsUTF8(key) : NULL;
    /* the number is taken before typing: a callee compiled meanwhile may be this function for other
     * argument types (f(a) calling f(a[::2]) compiles f for a strided array first), and two
     * specialisations named alike linked the caller to itself */
    char *symbol = keytext ? ctx_printf(ctx, "ember.%s.%.16s", qualname, keytext)
                           : ctx_printf(ctx, "ember.%s.%ld.%ld", qualname, d->serial, d->named++);
    if (probe && !keytext) cache_warn("cannot use the cache");
    TypeInfo *ti = ti_infer(ctx, fn, args, nargs, &host, symbol, NULL);
    if (!ti) goto fail;
    if (declared_ret && ty_held(declared_ret) != declared_ret) {   /* "uint8(...)": its canonical scalar, wrapped on return */
        ti->ret_narrow = declared_ret;
        declared_ret = ty_held(declared_ret);
    }
    if (declared_ret && declared_ret != ti->ret) {
        const Type *u = converts_on_return(ti->ret, declared_ret) ? declared_ret : ty_unify(ti->ret, declared_ret);
        if (declared_ret->kind == TY_OPTIONAL) {   /* None, T or OptionalType(T) where T converts */
            const Type *r = ti->ret->kind == TY_OPTIONAL ? ti->ret->elems[1] : ti->ret;
            u = r->kind == TY_NONE || ty_unify(r, declared_ret->elems[1]) == declared_ret->elems[1] ? declared_ret : NULL;
        } else if (ti->ret->kind == TY_OPTIONAL && declared_ret->kind != TY_NONE && declared_ret != ty_bool &&
                   !returns_none(ti)) {
            const Type *r = ti->ret->elems[1];   /* OptionalType(T) into a T the signature names: TypeError for None */
            u = converts_on_return(r, declared_ret) || ty_unify(r, declared_ret) == declared_ret ? declared_ret : NULL;
        }
        if (u != declared_ret) {
            ctx_error(ctx, DIAG_TYPING, fn, (Loc){fn->firstline, -1, -1},
                      "%s returns %s, which does not convert to the signature's %s", qualname,
                      ti->ret->name, declared_ret->name);
            goto fail;
        }
        ti->ret = declared_ret;
    }
    if (ctx->dump & DUMP_TYPES) {
        dump(ctx, fn, ti->vtypes, "typed IR");
        for (int i = 0; i < ti->ninners; i++) dump(ctx, ti->inners[i]->fn, ti->inners[i]->vtypes, "typed IR (inner)");
        for (int k = 1; ti->cycle && k < ti->cycle->n; k++)
            dump(ctx, ti->cycle->members[k]->fn, ti->cycle->members[k]->vtypes, "typed IR (cycle member)");
    }
    /* The object is emitted with the compile when Python calls the function now, or the cache's
     * file holds it; else (a callee of compiled code, a @vectorize or @cfunc kernel, a
     * FunctionType's target: each links the bitcode) it is made when first needed (pm_spec_code). */
    CgResult res = {.want_object = keytext != NULL || called};
    if (cg->compile(ctx, ti, &res)) goto fail;
    char err[300];
    if (!(spec = new_spec(args, nargs, ti_return_type(ti), symbol, res.object, res.bitcode, is_explicit, err, sizeof err))) {
        PyErr_Format(PyExc_RuntimeError, "ember: cannot load the code compiled for %s: %s", qualname, err);
        goto done;
    }
    spec->ret_facts.f32 = ti_returns_f32(ti);
    spec->ret_facts.f32_items = ti_returns_f32_items(ti);
    spec->ret_facts.narrow = (unsigned char)ti_returns_narrow(ti, spec->ret_facts.narrow_items);
    spec->raises_refs = res.raises_refs;
    d->compiles++;
    if (pm_add_spec(d, spec)) {
        spec = NULL;
        goto done;
    }
    if (keytext && !names_function(spec->ret)) cache_store(probe, spec);   /* (a returned function: named by identity) */
    goto done;
fail:
    if (!cycle_to || ctx->diags || PyErr_Occurred()) {
        raise_diag(ctx, qualname, args, nargs);
    } else if (cycle_to == &me) {   /* called back through what cannot join a cycle (a @vectorize kernel) */
        PyObject *cls = error_class(DIAG_UNSUPPORTED);
        if (cls) PyErr_Format(cls, "mutual recursion into %s through a @vectorize function is not supported", qualname);
        Py_XDECREF(cls);
    }   /* (else a cycle: a compile below takes the callee in) */
done:
    if (spec && !spec->sig_ret) spec->sig_ret = sig_ret ? sig_ret : spec->ret;
    if (cycle_to == &me) cycle_to = NULL;
    in_progress = me.next;
    Py_XDECREF(me.callees);
    free(me.members);
    if (probe) cache_release(probe);
    Py_XDECREF(key);
    Py_XDECREF(probe);
    ctx_free(ctx);
    unlock_compile();
    return spec;
}

/* A C-ABI wrapper around a compiled kernel (pymodule/ufunc.c), under the compile lock. */
int pm_wrap(const CgWrap *w, CgResult *out) {
    if (lock_compile()) return -1;
    Ctx *ctx = NULL;
    int rc = -1;
    if (load_codegen() || !(ctx = ctx_new())) goto done;
    ctx->dump = ctx_dump_flags_from_env();
    if ((rc = cg->wrap(ctx, w, out)) && !PyErr_Occurred())
        raise_diag(ctx, w->symbol, (const Type **)w->params, w->nparams);
done:
    ctx_free(ctx);
    unlock_compile();
    return rc;
}

/* ---- inspection -------------------------------------------------------------------- */
PyObject *pm_inspect(Dispatcher *d, const char *what) {
    PyObject *out = PyDict_New();
    for (int i = 0; out && i < d->nspecs; i++) {
        Spec *s = d->specs[i];
        char sig[512];
        PyObject *text = from_bitcode(s->bitcode, s->symbol, s->args, s->nargs, !strcmp(what, "asm") ? "asm" : "llvm");
        PyObject *key = text ? PyUnicode_FromString(pm_signature_text(s->args, s->nargs, sig, sizeof sig)) : NULL;
        if (!text || !key || PyDict_SetItem(out, key, text) < 0) Py_CLEAR(out);
        Py_XDECREF(text);
        Py_XDECREF(key);
    }
    return out;
}

PyObject *pm_inspect_bitcode(PyObject *bitcode, bool asm_) {
    return from_bitcode(bitcode, "a compiled kernel", NULL, 0, asm_ ? "asm" : "llvm");
}

PyObject *pm_inspect_types(Dispatcher *d) {
    if (load_codegen()) return NULL;
    PyObject *out = PyDict_New();
    for (int i = 0; out && i < d->nspecs; i++) {
        Spec *s = d->specs[i];
        Ctx *ctx = ctx_new();
        if (!ctx) { Py_CLEAR(out); break; }
        Function *fn = build_ir(ctx, d);
        /* typing again compiles nothing new: callees' specialisations already exist */
        TypeInfo *ti = fn ? ti_infer(ctx, fn, s->args, s->nargs, &host, s->symbol, NULL) : NULL;
        char sig[512];
        PyObject *key = PyUnicode_FromString(pm_signature_text(s->args, s->nargs, sig, sizeof sig));
        PyObject *text = ti ? PyUnicode_FromString(ir_dump_string(fn, ti->vtypes)) : NULL;
        if (!ti) raise_diag(ctx, s->symbol, s->args, s->nargs);
        if (!key || !text || PyDict_SetItem(out, key, text) < 0) Py_CLEAR(out);
        Py_XDECREF(key);
        Py_XDECREF(text);
        ctx_free(ctx);
    }
    return out;
}

/* ---- typing without code generation (ember._ember.infer) ---------------------------- *
 * What a call with these arguments would type to, or the diagnostic its compile would raise,
 * without lowering, optimising or loading code: tools/gen_reference.py probes ember's typing
 * tables with it (lowering accepts whatever typing accepts). Callees still compile. */
/* Does every return of ti give a float32 value (typeinfer/facts.c: a float64 holding one)? */
static bool returns_f32(TypeInfo *ti) {
    bool any = false;
    for (int i = 0; ti->ret == ty_float64 && ti->f32 && i < ti->fn->ninstrs; i++) {
        Instr *in = ti->fn->instrs[i];
        if (!in || in->op != IR_RETURN) continue;
        if (!ti->f32[in->args[0]]) return false;
        any = true;
    }
    return any;
}

PyObject *pm_infer(Dispatcher *d, PyObject *values, bool numpy_scalar) {
    Py_ssize_t n = PyTuple_GET_SIZE(values);
    const Type *args[64];
    if (n > 64) return PyErr_Format(PyExc_TypeError, "at most 64 arguments");
    for (Py_ssize_t i = 0; i < n; i++)
        if (!(args[i] = rt_typeof(PyTuple_GET_ITEM(values, i))))
            return PyErr_Format(PyExc_TypeError, "argument %zd: unsupported type %s", i + 1,
                                Py_TYPE(PyTuple_GET_ITEM(values, i))->tp_name);
    if (lock_compile()) return NULL;
    PyObject *out = NULL;
    Ctx *ctx = NULL;
    const char *qualname = PyUnicode_AsUTF8(((PyFunctionObject *)d->py_func)->func_qualname);
    if (load_codegen() || !(ctx = ctx_new())) goto done;
    Function *fn = build_ir(ctx, d);
    TypeInfo *ti = fn ? ti_infer(ctx, fn, args, (int)n, &host, ctx_printf(ctx, "ember.%s.infer", qualname), NULL) : NULL;
    if (ti) out = PyUnicode_FromString(numpy_scalar && returns_f32(ti) ? "float32" : ti->ret->name);
    else raise_diag(ctx, qualname, args, (int)n);
done:
    ctx_free(ctx);
    unlock_compile();
    return out;
}
