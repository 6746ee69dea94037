/* calls.c: typing rules for globals, attributes and calls.
 *
 * Globals are frozen when the function is compiled: numbers, strings and tuples of them become
 * constants (recorded in ti->frozen); modules, builtins, math functions, exception classes and
 * other @njit functions become compile-time types that calls and attribute reads resolve.
 * Builtins are recognised by identity through the table in builtins.def.
 *
 * A call's rule fills a CallInfo: the result type, the type each argument converts to, and the
 * implementation (a builtin id, another compiled function, an inner function, an exception).
 */
#include "ti.h"
#include "fe.h"
#include "rt.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

/* The objects behind ti_builtins, found once (under the GIL) by ti_init_builtins and read-only
 * after. Owner: this file. */
static PyObject *builtin_objs[BI_COUNT];

static bool numpy_resolved;   /* every NumPy entry is found (or known absent) */
static bool numpy_tried[BI_COUNT];   /* its module was imported when it was looked up */

static PyObject *lookup(int i, bool import) {
    PyObject *name = PyUnicode_FromString(ti_builtins[i].module);
    PyObject *mod = !name ? NULL : import ? PyImport_Import(name) : PyImport_GetModule(name);
    Py_XDECREF(name);
    PyObject *obj = mod ? PyObject_GetAttrString(mod, ti_builtins[i].name) : NULL;
    if (mod || import) numpy_tried[i] = true;
    Py_XDECREF(mod);
    if (!obj) PyErr_Clear();   /* absent in this Python or NumPy: never matched */
    return obj;
}

int ti_init_builtins(void) {
    if (builtin_objs[0]) return 0;
    for (int i = 0; i < BI_COUNT; i++)
        if (!ti_is_numpy_builtin(i) && !(builtin_objs[i] = lookup(i, true)) && i == 0) return -1;
    return 0;
}

/* The NumPy entries of the modules imported so far. A module is never imported for this (NumPy
 * loads numpy.random, numpy.linalg, numpy.fft lazily, and importing numpy.random cost the first
 * compile about 10 ms): code can only name a function of a module that is loaded, and the
 * module's entries are found on the next lookup after it is. */
static void resolve_numpy(void) {
    bool all = true;
    for (int i = 0; i < BI_COUNT; i++) {
        if (!ti_is_numpy_builtin(i) || numpy_tried[i]) continue;
        builtin_objs[i] = lookup(i, false);
        all = all && numpy_tried[i];
    }
    numpy_resolved = all;
}

/* Whether obj is Numba's object `name` (numba.prange where code mixes `from numba import prange`
 * with ember's njit): told by its __module__ and __name__, Numba never imported for it. */
static bool numbas(PyObject *obj, const char *name) {
    PyObject *mod = PyObject_GetAttrString(obj, "__module__"), *nm = mod ? PyObject_GetAttrString(obj, "__name__") : NULL;
    const char *m = mod && PyUnicode_Check(mod) ? PyUnicode_AsUTF8(mod) : NULL, *n = nm && PyUnicode_Check(nm) ? PyUnicode_AsUTF8(nm) : NULL;
    bool is = m && n && (!strcmp(m, "numba") || !strncmp(m, "numba.", 6)) && !strcmp(n, name);
    Py_XDECREF(mod);
    Py_XDECREF(nm);
    PyErr_Clear();
    return is;
}

static int builtin_of(PyObject *obj) {
    if (!numpy_resolved) resolve_numpy();
    for (int i = 0; i < BI_COUNT; i++)
        if (builtin_objs[i] == obj) return i;
    if (PyType_Check(obj) && numbas(obj, "prange")) return BI_PRANGE;
    return -1;
}

/* ---- globals and attributes -------------------------------------------------------- */
static bool has_overload(PyObject *obj);

static bool is_frozen_value(PyObject *obj) {
    if (obj == Py_None || PyBool_Check(obj) || PyLong_Check(obj) || PyFloat_Check(obj) ||
        PyComplex_Check(obj) || PyUnicode_Check(obj) || ty_is_enum_class((PyObject *)Py_TYPE(obj)))
        return true;
    if (PyTuple_Check(obj)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(obj); i++)
            if (!is_frozen_value(PyTuple_GET_ITEM(obj, i))) return false;
        return true;
    }
    return false;
}

/* Value `in` is the constant v, kept for the compile (codegen/lower_const.c lowers it); steals v.
 * False on an error (a Python one: the compile's). */
static bool freeze(TypeInfo *ti, Instr *in, PyObject *v) {
    PyObject *kept = v ? ctx_keep(ti->fn->ctx, v) : NULL;
    Py_XDECREF(v);
    if (!kept) return false;
    ti->frozen[in->id] = kept;
    return true;
}

/* What lowering reads of a global array (codegen/lower_const.c): (its C-order bytes, its shape),
 * a new reference; NULL with a Python error. Its type is a read-only C array of its dtype. */
static PyObject *frozen_array(PyObject *a) {
    PyObject *bytes = PyObject_CallMethod(a, "tobytes", NULL);   /* C order, whatever its strides */
    PyObject *shape = bytes ? PyObject_GetAttrString(a, "shape") : NULL;
    PyObject *frozen = shape ? PyTuple_Pack(2, bytes, shape) : NULL;
    Py_XDECREF(bytes);
    Py_XDECREF(shape);
    return frozen;
}

/* The type a tuple global element `x` has when it is a compiled function, a type (types.int64,
 * np.float32) or an array, and in *frozen what lowering reads of it (an array: its C-order bytes
 * and shape, as a global array's); NULL for anything else. */
static const Type *object_tuple(TypeInfo *ti, PyObject *obj, int depth, PyObject **frozen);

static const Type *tuple_object(TypeInfo *ti, PyObject *x, int depth, PyObject **frozen) {
    *frozen = NULL;
    if (ti->host->is_dispatcher(x)) return ctx_keep(ti->fn->ctx, x) ? ty_object(TY_DISPATCHER, x, 0) : NULL;
    if (PyTuple_Check(x)) return object_tuple(ti, x, depth + 1, frozen);
    if (!PyType_Check(x) && PyObject_HasAttrString(x, "_ember_typeref"))   /* (types.float64[:], ListType(...)) */
        return ctx_keep(ti->fn->ctx, x) ? ty_object(TY_TYPEREF, x, 0) : NULL;
    int dt = rt_dtype_of_type_object(x);   /* types.int64 as np.int64 */
    if (dt < 0 && PyType_Check(x) && !strncmp(((PyTypeObject *)x)->tp_name, "numpy.", 6)) dt = rt_dtype_of_object(x);
    if (dt >= 0) return ty_dtype(dt);
    const Type *at = PyType_Check(x) ? NULL : rt_typeof(x);
    PyErr_Clear();
    if (!at || at->kind != TY_ARRAY) return NULL;
    *frozen = frozen_array(x);
    PyErr_Clear();
    return *frozen ? ty_array_full(at->dtype, at->ndim, 'C', true, false) : NULL;
}

/* The type of a tuple of compiled functions, types and arrays, and frozen values (nested tuples
 * of them too), with at least one of the first three (RULES = (r1, r2), kv_ty = (types.int64,
 * types.unicode_type) for Dict.empty(*kv_ty), TABLES = (a, b)), and in *frozen (a new
 * reference) the tuple lowering reads, each array in it as (bytes, shape); NULL for any other. */
static const Type *object_tuple(TypeInfo *ti, PyObject *obj, int depth, PyObject **frozen) {
    Py_ssize_t n = PyTuple_GET_SIZE(obj);
    const Type *elems[64];
    bool any = false;
    *frozen = NULL;
    if (n > 64 || depth > 8) return NULL;
    PyObject *mirror = PyTuple_New(n);
    if (!mirror) return PyErr_Clear(), NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = PyTuple_GET_ITEM(obj, i), *fx;
        const Type *f = tuple_object(ti, x, depth, &fx);
        if (f) {
            elems[i] = f;
            any = true;
        } else if (!is_frozen_value(x) || !(elems[i] = PyUnicode_Check(x) ? ty_str : ty_typeof(x))) {
            Py_DECREF(mirror);
            return NULL;
        }
        PyTuple_SET_ITEM(mirror, i, fx ? fx : Py_NewRef(x));
    }
    if (!any) {
        Py_DECREF(mirror);
        return NULL;
    }
    *frozen = mirror;
    return ty_tuple((int)n, elems);
}

/* ember.config (numba.config under `import ember as numba`): read in compiled code as a module,
 * its settings frozen (stumpy reads config.NUMBA_NUM_THREADS). */
static bool is_config(PyObject *obj) {
    PyTypeObject *t = Py_TYPE(obj);
    if (strcmp(t->tp_name, "_Config")) return false;
    PyObject *m = PyObject_GetAttrString((PyObject *)t, "__module__");
    bool ours = m && PyUnicode_Check(m) && !PyUnicode_CompareWithASCIIString(m, "ember");
    Py_XDECREF(m);
    PyErr_Clear();
    return ours;
}


const Type *ti_classify_global(TypeInfo *ti, PyObject *obj, Instr *in) {
    const char *name = in->str ? in->str : "?";
    if (is_frozen_value(obj)) {
        if (PyLong_Check(obj) && !PyBool_Check(obj)) {
            int overflow;
            PyLong_AsLongLongAndOverflow(obj, &overflow);
            if (overflow > 0) {   /* 2**63 <= v < 2**64: a uint64, as Numba types it (MASK64 = 2**64 - 1) */
                PyLong_AsUnsignedLongLong(obj);
                if (PyErr_Occurred()) return PyErr_Clear(), ERR(in, "global '%s' does not fit in uint64", name), NULL;
                ti->frozen[in->id] = obj;
                return ty_uint64;
            }
            if (overflow) return ERR(in, "global '%s' does not fit in int64", name), NULL;
        }
        const Type *t = PyUnicode_Check(obj) ? ty_str : ty_typeof(obj);
        if (!t && ty_is_enum_class((PyObject *)Py_TYPE(obj)))
            return UNSUP(in, "global '%s' is a member of the Enum %s whose value is not a number: compiled code reads "
                             "Enum members of int and float values", name, Py_TYPE(obj)->tp_name), NULL;
        if (!t)   /* the one frozen value ty_typeof refuses: a long tuple */
            return UNSUP(in, "global '%s' is or holds a tuple of more than 64 elements, which ember does not support",
                         name), NULL;
        ti->frozen[in->id] = obj;
        return t;
    }
    if (PyModule_Check(obj) || is_config(obj) || ty_is_enum_class(obj))   /* an Enum class: its members, frozen */
        return ty_object(TY_MODULE, obj, 0);
    if (obj == Py_Ellipsis) return ty_ellipsis;   /* a[Ellipsis, 0]: typeinfer/ellipsis.c */
    if (PyCode_Check(obj)) return ty_object(TY_INNERFUNC, obj, 0);
    int bid = builtin_of(obj);
    if (bid >= 0) return ty_object(TY_FUNCTION, obj, bid);
    if (PyType_Check(obj) && PyType_IsSubtype((PyTypeObject *)obj, (PyTypeObject *)PyExc_BaseException)) {
        rt_exc_class_seen(obj);   /* raised from code made by exec or in a function: still found */
        return ty_object(TY_EXCCLASS, obj, 0);
    }
    if (ty_is_namedtuple_class(obj)) return ty_object(TY_NTCLASS, obj, 0);
    if (PyType_Check(obj) && ty_class_of(obj)) {   /* a jitclass: calling it calls its constructor */
        PyObject *ctor = PyObject_GetAttrString(obj, "_ember_ctor");
        if (!ctor || !ti->host->is_dispatcher(ctor)) {
            Py_XDECREF(ctor);
            PyErr_Clear();
            return ERR(in, "jitclass '%s' has no constructor", name), NULL;
        }
        ctx_keep(ti->fn->ctx, ctor);
        Py_DECREF(ctor);
        return ty_object(TY_DISPATCHER, ctor, 0);
    }
    if (ti->host->is_dispatcher(obj)) return ty_object(TY_DISPATCHER, obj, 0);
    PyObject *kernel = ti->host->kernel_of ? ti->host->kernel_of(obj) : NULL;
    if (kernel)   /* a ufunc of ember's (its scalar kernel), a NumPy function ember implements in Python */
        return ty_object(ti->host->is_dispatcher(kernel) ? TY_DISPATCHER : TY_HOOKED, kernel, 0);
    int named_dt = rt_dtype_of_type_object(obj);   /* ember.types.float64 as np.float64 */
    if (named_dt >= 0) return ty_dtype(named_dt);
    if (!PyType_Check(obj) && PyObject_HasAttrString(obj, "_ember_typeref"))   /* types.float64[:], ListType(...) */
        return ty_object(TY_TYPEREF, obj, 0);
    if (PyType_Check(obj) && !strncmp(((PyTypeObject *)obj)->tp_name, "numpy.", 6)) {
        int dt = rt_dtype_of_object(obj);   /* np.float64, np.int32, ... */
        if (dt >= 0) return ty_dtype(dt);
    }
    const Type *rec = PyType_Check(obj) ? NULL : rt_record_of(obj);
    if (rec) return ty_recdtype(rec);   /* a structured dtype: for np.empty and np.zeros */
    if (!PyType_Check(obj) && !strncmp(Py_TYPE(obj)->tp_name, "numpy.dtype", 11)) {   /* DT = np.dtype('float32') */
        int dt = rt_dtype_of_object(obj);
        if (dt >= 0) return ty_dtype(dt);
    }
    const Type *at = PyType_Check(obj) ? NULL : rt_typeof(obj);
    if (at && ty_is_number(at)) {   /* a NumPy scalar (P = np.uint64(1099511628211)): its value, as its scalar type */
        PyObject *item = PyObject_CallMethod(obj, "item", NULL);
        if (!item || !freeze(ti, in, item)) return NULL;
        return at;
    }
    if (at && at->kind == TY_ARRAY) {   /* a global array: its contents frozen */
        if (!freeze(ti, in, frozen_array(obj))) return NULL;   /* the Python error (a MemoryError) is the compile's */
        return ty_array_full(at->dtype, at->ndim, 'C', true, false);
    }
    if (at && at->kind == TY_SLICE) {   /* S = slice(1, None, 2): its parts frozen */
        Py_INCREF(obj);
        return freeze(ti, in, obj) ? at : NULL;
    }
    if (PyFunction_Check(obj)) {   /* @register_jitable, @overload (ember/extending.py) */
        PyObject *jit = PyObject_GetAttrString(obj, "__ember_jitable__");
        if (jit && ti->host->is_dispatcher(jit)) {
            ctx_keep(ti->fn->ctx, jit);
            Py_DECREF(jit);
            return ty_object(TY_DISPATCHER, jit, 0);
        }
        Py_XDECREF(jit);
        PyErr_Clear();
        if (PyObject_HasAttrString(obj, "__ember_overloads__")) return ty_object(TY_HOOKED, obj, 0);
    }
    if (PyFunction_Check(obj))
        return UNSUP(in, "cannot call the plain Python function '%s' from compiled code; "
                         "decorate it with @njit", name), NULL;
    PyObject *frozen;
    const Type *ft = PyTuple_Check(obj) ? object_tuple(ti, obj, 0, &frozen) : NULL;
    if (ft) return freeze(ti, in, frozen) ? ft : NULL;   /* RULES = (r1, r2), kv_ty = (types.int64, types.float64) */
    if (has_overload(obj)) return ty_object(TY_HOOKED, obj, 0);   /* a NumPy function, a ufunc */
    if (!strcmp(Py_TYPE(obj)->tp_name, "numpy.ufunc"))
        return UNSUP(in, "global '%s' is a ufunc compiled code cannot call: it calls NumPy's own ufuncs and "
                         "ember's @vectorize and @guvectorize functions, not other ufuncs", name), NULL;
    if (PyObject_HasAttrString(obj, "__ember_dispatcher__")) return ty_object(TY_HOOKED, obj, 0);
    bool is_c;
    const Type *c = ti_classify_cfunc(ti, obj, in, &is_c);
    if (is_c) return c;
    PyObject *modname = PyObject_GetAttrString(obj, "__module__");
    const char *mod = modname && PyUnicode_Check(modname) ? PyUnicode_AsUTF8(modname) : NULL;
    bool rng = mod && strstr(mod, "numpy.random") && !strcmp(name, "default_rng");
    bool type_ctor = mod && PyType_Check(obj) && (!strncmp(mod, "ember.types", 11) || !strncmp(mod, "numba.core.types", 16));
    Py_XDECREF(modname);
    PyErr_Clear();
    if (rng)   /* as in Numba */
        return UNSUP(in, "np.random.default_rng() cannot be called in compiled code: make the Generator in Python "
                         "and pass it as an argument (its draws are then NumPy's, and advance it)"), NULL;
    if (type_ctor)
        return UNSUP(in, "the type '%s' cannot be made in compiled code: make it at module level (a global, as "
                         "`item_t = types.ListType(types.float64)`) and use that", name), NULL;
    return UNSUP(in, "global '%s' of type '%s' is not supported", name, Py_TYPE(obj)->tp_name), NULL;
}

/* ---- e.args ---------------------------------------------------------------------------
 * A caught exception's args are packed words whose layout each raise chooses, so `e.args` gets
 * its static type from the raise statements that can reach the handler binding e: those in the
 * blocks the handler covers whose class the `except` clause accepts. They must agree; with none
 * (ember's own errors, a callee's raise) the args are (message,). The run-time check in
 * ember_rt_exc_args turns any other layout into a TypeError, never a misread word. */
typedef struct {
    Function *fn;
    bool *fetch;            /* per block: holds an EXCFETCH whose value reaches e */
    bool *var_seen;
    PyObject *classes;      /* the `except` clause's class or tuple of classes, when found */
} ExcTrace;

/* The class(es) the except clause that binds `store` (a STOREVAR of e) tests, or NULL. */
static PyObject *clause_classes(TypeInfo *ti, Block *bound) {
    Function *fn = ti->fn;
    for (int b = 0; b < fn->nblocks; b++) {
        Block *p = fn->blocks[b];
        Instr *last = p->ninstrs ? p->instrs[p->ninstrs - 1] : NULL;
        if (!last || last->op != IR_BRANCH || last->target[0] != bound) continue;
        Instr *c = fn->instrs[last->args[0]];
        if (c->op == IR_TRUTH) c = fn->instrs[c->args[0]];
        if (c->op != IR_EXCMATCH) continue;
        const Type *k = ti->vtypes[c->args[1]];
        if (k && k->kind == TY_EXCCLASS) return k->obj;
        Instr *g = fn->instrs[c->args[1]];
        return g->obj && PyTuple_Check(g->obj) ? g->obj : NULL;
    }
    return NULL;
}

static void trace_fetch(TypeInfo *ti, ExcTrace *tr, int v, int depth) {
    Instr *x = tr->fn->instrs[v];
    if (depth > 64) return;
    if (x->op == IR_EXCFETCH) tr->fetch[x->block->id] = true;
    if (x->op == IR_COPY) trace_fetch(ti, tr, x->args[0], depth + 1);
    if (x->op != IR_LOADVAR || tr->var_seen[x->imm]) return;
    tr->var_seen[x->imm] = true;
    for (int b = 0; b < tr->fn->nblocks; b++)
        for (int i = 0; i < tr->fn->blocks[b]->ninstrs; i++) {
            Instr *s = tr->fn->blocks[b]->instrs[i];
            if (s->op != IR_STOREVAR || s->imm != x->imm) continue;
            if (!tr->classes && tr->fn->varnames[s->imm][0] != '$') tr->classes = clause_classes(ti, s->block);
            trace_fetch(ti, tr, s->args[0], depth + 1);
        }
}

/* One exception that can reach the handler: class cls with args of tuple type a, raised at r.
 * Fills tr's chosen type; an error when it disagrees with an earlier one. */
typedef struct {
    const Type *args;
    char layout[128];
    int line;
} ExcArgs;

static int consider(TypeInfo *ti, Instr *in, ExcTrace *tr, ExcArgs *got, PyObject *cls, const Type *a, Instr *r) {
    if (tr->classes) {
        int sub = PyObject_IsSubclass(cls, tr->classes);
        if (sub < 0) PyErr_Clear();
        if (sub != 1) return 0;
    }
    char layout[128] = "";
    for (int j = 0; j < a->n; j++)
        if (ty_value_layout(a->elems[j], layout, sizeof layout, false) < 0)
            return UNSUP(in, "e.args holding %s is not supported", a->elems[j]->name);
    if (!got->args) {
        got->args = a;
        strcpy(got->layout, layout);
        got->line = r->loc.line;
        return 0;
    }
    if (strcmp(got->layout, layout))
        return ERR(in, "e.args has one type per exception that reaches this handler, and they differ: %s (line %d) "
                   "and %s (line %d); read str(e), or raise the same argument types", got->args->name, got->line,
                   a->name, r->loc.line);
    return 0;
}

/* KeyError(key) from a dict or set operation r, or NULL. */
static const Type *key_error_key(TypeInfo *ti, Instr *r) {
    if ((r->op == IR_GETITEM || r->op == IR_DELITEM) && ti->vtypes[r->args[0]] && ti->vtypes[r->args[0]]->kind == TY_DICT)
        return ti->vtypes[r->args[1]];
    CallInfo *ci = r->op == IR_CALL ? ti->calls[r->id] : NULL;
    if (ci && ci->kind == CALL_BUILTIN && ((ci->builtin == DM_POP && ci->nparams == 1) || ci->builtin == SM_REMOVE))
        return ci->params[0];
    return NULL;
}

int ti_exc_args_type(TypeInfo *ti, Instr *in, const Type **out) {
    Function *fn = ti->fn;
    ExcTrace tr = {fn, ctx_alloc(fn->ctx, (size_t)fn->nblocks), ctx_alloc(fn->ctx, (size_t)fn->nvars + 1), NULL};
    if (!tr.fetch || !tr.var_seen) return -1;
    memset(tr.fetch, 0, (size_t)fn->nblocks);
    memset(tr.var_seen, 0, (size_t)fn->nvars + 1);
    trace_fetch(ti, &tr, in->args[0], 0);
    ExcArgs got = {0};
    for (int b = 0; b < fn->nblocks; b++) {
        Block *blk = fn->blocks[b];
        if (!blk->handler || !tr.fetch[blk->handler->id]) continue;
        for (int i = 0; i < blk->ninstrs; i++) {
            Instr *r = blk->instrs[i];
            if (r->op == IR_GETITEM || r->op == IR_DELITEM || r->op == IR_RAISE)
                for (int j = 0; j < r->nargs; j++)
                    if (!ti->vtypes[r->args[j]]) return 0;   /* not yet: typed on a later round */
            if (r->op == IR_CALL && !ti->calls[r->id]) return 0;
            const Type *key = key_error_key(ti, r);
            if (key && consider(ti, in, &tr, &got, PyExc_KeyError, ty_tuple(1, &key), r)) return -1;
            if (r->op != IR_RAISE) continue;
            const Type *t = ti->vtypes[r->args[0]];
            if (t->kind != TY_EXC && t->kind != TY_EXCCLASS) continue;   /* raise e: whatever e carries */
            if (consider(ti, in, &tr, &got, t->obj, t->kind == TY_EXC ? ty_tuple(t->n, t->elems) : ty_tuple(0, NULL), r))
                return -1;
        }
    }
    const Type *msg = ty_str;
    *out = got.args ? got.args : ty_tuple(1, &msg);   /* none: ember's own errors, a callee's raise: (message,) */
    return 0;
}

/* a.dtype.itemsize, .name, .kind, .char, .str, .alignment: NumPy's value, a constant of the code. */
static const Type *dtype_attr(TypeInfo *ti, Instr *in, const Type *dt, const char *attr) {
    static const char *const attrs[] = {"itemsize", "name", "kind", "char", "str", "alignment", NULL};
    if (!strcmp(attr, "type")) return dt;   /* a.dtype.type(0): the scalar type, called as np.float64 is */
    bool known = false;
    for (int i = 0; attrs[i]; i++) known |= !strcmp(attr, attrs[i]);
    if (!known) return UNSUP(in, "%s has no supported attribute '%s' (itemsize, name, kind, char, str, alignment and type are)",
                             dt->name, attr), NULL;
    PyObject *np = PyImport_ImportModule("numpy");
    PyObject *d = np ? PyObject_CallMethod(np, "dtype", "s", ty_dtypes[dt->dtype].name) : NULL;
    PyObject *v = d ? PyObject_GetAttrString(d, attr) : NULL;
    Py_XDECREF(d);
    Py_XDECREF(np);
    if (!freeze(ti, in, v)) return NULL;   /* the Python error is the compile's */
    return PyUnicode_Check(ti->frozen[in->id]) ? ty_str : ty_int64;
}

/* ---- numba.extending (ember/extending.py) ---------------------------------------------- */
static int type_dispatcher_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args);

/* The module, if loaded (a new reference; NULL, no error set, when not: nothing is registered). */
static PyObject *extending_module(void) {
    PyObject *name = PyUnicode_FromString("ember.extending");
    PyObject *mod = name ? PyImport_GetModule(name) : NULL;
    Py_XDECREF(name);
    PyErr_Clear();
    return mod;
}

/* Its function `fn` called with args, which it takes over (a new reference, or NULL with the
 * Python error set), or Py_None (a new reference) when the module is not loaded. */
static PyObject *extending_call(const char *fn, PyObject *args) {
    PyObject *mod = extending_module();
    if (!mod) {
        Py_XDECREF(args);
        return Py_NewRef(Py_None);
    }
    PyObject *f = PyObject_GetAttrString(mod, fn);
    PyObject *r = f && args ? PyObject_CallObject(f, args) : NULL;
    Py_XDECREF(f);
    Py_XDECREF(args);
    Py_DECREF(mod);
    return r;
}

/* Whether compiled code calling obj calls an @overload (ember/extending.py). */
static bool has_overload(PyObject *obj) {
    if (PyObject_HasAttrString(obj, "__ember_overloads__")) return true;
    PyObject *r = extending_call("_overloaded", PyTuple_Pack(1, obj));
    bool yes = r == Py_True;
    Py_XDECREF(r);
    PyErr_Clear();
    return yes;
}

/* Whether attr is in one of the module's tables of overloaded methods and attributes. */
static bool extending_names(const char *attr) {
    PyObject *mod = extending_module();
    bool found = false;
    for (int k = 0; mod && k < 2 && !found; k++) {
        PyObject *table = PyObject_GetAttrString(mod, k ? "_ATTRIBUTES" : "_METHODS");
        found = table && PyDict_Check(table) && PyDict_GetItemString(table, attr);
        Py_XDECREF(table);
    }
    Py_XDECREF(mod);
    PyErr_Clear();
    return found;
}

/* The pending Python error (from Python code asked about a call) as a located diagnostic:
 * "what: message", or "what: fallback" where none is set. */
static int python_error(TypeInfo *ti, Instr *in, const char *what, const char *fallback) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *text = value ? PyObject_Str(value) : NULL;
    int rc = ERR(in, "%s: %s", what, text && PyUnicode_Check(text) ? PyUnicode_AsUTF8(text) : fallback);
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return rc;
}

/* The call of the Dispatcher d (a new reference, taken over) that Python code gave for `in`:
 * what's failure is python_error's. */
static int call_given(TypeInfo *ti, Instr *in, PyObject *d, const char *what, const char *fallback, const Type **args) {
    if (!d || !ti->host->is_dispatcher(d)) {
        Py_XDECREF(d);
        return python_error(ti, in, what, fallback);
    }
    ctx_keep(ti->fn->ctx, d);
    Py_DECREF(d);
    return type_dispatcher_call(ti, in, ty_object(TY_DISPATCHER, d, 0), args);
}

/* (lead..., (type names of args), (keyword names)): a call's arguments as extending.py takes
 * them, after lead (nlead objects, borrowed); NULL with the Python error set. */
static PyObject *type_name_arg(const Type *t) {
    if (t->kind != TY_TUPLE || !t->obj) return PyUnicode_FromString(t->name);
    PyObject *elems = PyTuple_New(t->n);   /* a namedtuple: (its class, (its fields' type names)) */
    for (int k = 0; elems && k < t->n; k++) {
        PyObject *e = type_name_arg(t->elems[k]);
        if (!e) Py_CLEAR(elems);
        else PyTuple_SET_ITEM(elems, k, e);
    }
    return elems ? Py_BuildValue("(ON)", t->obj, elems) : NULL;
}

static PyObject *extending_args(Instr *in, const Type **args, int nargs, PyObject *const *lead, int nlead) {
    PyObject *r = PyTuple_New(nlead + 2), *names = PyTuple_New(nargs), *kw = PyTuple_New(in->nkw);
    for (int i = 0; names && i < nargs; i++) {
        PyObject *name = type_name_arg(args[i]);
        if (!name) Py_CLEAR(names);
        else PyTuple_SET_ITEM(names, i, name);
    }
    for (int i = 0; kw && i < in->nkw; i++) PyTuple_SET_ITEM(kw, i, PyUnicode_FromString(in->kwnames[i]));
    if (!r || !names || !kw) {
        Py_XDECREF(r);
        Py_XDECREF(names);
        Py_XDECREF(kw);
        return NULL;
    }
    for (int i = 0; i < nlead; i++) PyTuple_SET_ITEM(r, i, Py_NewRef(lead[i]));
    PyTuple_SET_ITEM(r, nlead, names);
    PyTuple_SET_ITEM(r, nlead + 1, kw);
    return r;
}

static bool all_complete(const Type **args, int nargs) {
    for (int i = 0; i < nargs; i++)
        if (!ty_is_complete(args[i])) return false;
    return true;
}

/* func(args) where @overload registered typers for func: the implementation they give. */
static int type_overload_call(TypeInfo *ti, Instr *in, PyObject *func, const Type **args, int nargs) {
    if (!all_complete(args, nargs)) return 0;   /* a list whose item type a later use gives */
    PyObject *call = extending_args(in, args, nargs, &func, 1);
    return call_given(ti, in, call ? extending_call("_dispatcher_for", call) : NULL, "@overload",
                      "the overload gave no compiled function", args);
}

/* recv.attr of an @overload_method (a method type) or @overload_attribute (its call, typed on
 * `in`): 0 with *t set, 1 when none is registered for recv's type, -1 on an error. */
static int extending_getattr(TypeInfo *ti, Instr *in, const Type *recv, const Type **t) {
    if (!ty_is_runtime(recv) || !ty_is_complete(recv) || !extending_names(in->str)) return 1;
    PyObject *r = extending_call("_attribute_for", Py_BuildValue("(ss)", recv->name, in->str));
    if (!r) return python_error(ti, in, "@overload_attribute", "failed");
    if (r == Py_None) return Py_DECREF(r), 1;
    if (PyUnicode_Check(r)) {   /* "method": typed by its call */
        Py_DECREF(r);
        *t = ty_method(recv, in->str);
        return 0;
    }
    ctx_keep(ti->fn->ctx, r);
    Py_DECREF(r);
    if (ti_type_receiver_call(ti, in, r, in->args[0], recv, NULL, NULL, 0, 0)) return -1;
    *t = ti->calls[in->id] ? ti->calls[in->id]->ret : NULL;
    return 0;
}

/* recv.attr(args) of an @overload_method: 1 when none takes these types. */
static int extending_method_call(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs) {
    if (!ty_is_runtime(m->recv) || !extending_names(m->attr)) return 1;
    if (!all_complete(args, nargs)) return 0;
    PyObject *lead[2] = {PyUnicode_FromString(m->recv->name), PyUnicode_FromString(m->attr)};
    PyObject *call = lead[0] && lead[1] ? extending_args(in, args, nargs, lead, 2) : NULL;
    PyObject *d = call ? extending_call("_method_for", call) : NULL;
    Py_XDECREF(lead[0]);
    Py_XDECREF(lead[1]);
    if (!d) return python_error(ti, in, "@overload_method", "failed");
    if (d == Py_None) return Py_DECREF(d), 1;
    ctx_keep(ti->fn->ctx, d);
    Py_DECREF(d);
    return ti_type_receiver_call(ti, in, d, in->args[0], m->recv, in->args + 1, args, nargs, in->nkw);
}

const Type *ti_type_getattr(TypeInfo *ti, Instr *in, const Type *recv) {
    const char *attr = in->str;
    const Type *ext = NULL;
    int extended = extending_getattr(ti, in, recv, &ext);
    if (extended <= 0) return extended < 0 ? NULL : ext;
    if (recv->kind == TY_MODULE) {
        PyObject *v = PyObject_GetAttrString(recv->obj, attr);
        if (!v) {
            PyErr_Clear();
            return ERR(in, "%s has no attribute '%s'", recv->name, attr), NULL;
        }
        ctx_keep(ti->fn->ctx, v);
        Py_DECREF(v);
        const char *saved = in->str;
        const Type *t = ti_classify_global(ti, v, in);
        in->str = saved;
        return t;
    }
    PyObject *member = ti->frozen[in->args[0]];
    if (member && ty_is_enum_class((PyObject *)Py_TYPE(member)) && (!strcmp(attr, "value") || !strcmp(attr, "name"))) {
        PyObject *v = PyObject_GetAttrString(member, attr);   /* Color.RED.value, Status.EMITTED.name: constants */
        const Type *t = !v ? NULL : PyUnicode_Check(v) ? ty_str : ty_typeof(v);
        if (!t || !freeze(ti, in, v)) {
            PyErr_Clear();
            return UNSUP(in, "the %s of %s is not a number or a string", attr, Py_TYPE(member)->tp_name), NULL;
        }
        return t;
    }
    if (recv->kind == TY_ENUM) {
        if (!strcmp(attr, "value")) return recv->elems[0];
        return UNSUP(in, "%s has no supported attribute '%s' (.value is supported; .name of a member named in "
                         "the code)", recv->name, attr), NULL;
    }
    if (recv->kind == TY_ARRAY) return ti_array_getattr(ti, in, recv);
    if (recv->kind == TY_CLASS) return ti_class_getattr(ti, in, recv);
    if (ti_class_of_ctor(recv)) return ti_class_static_getattr(ti, in, ti_class_of_ctor(recv));
    if (recv->kind == TY_RECARRAY || recv->kind == TY_RECORD) return ti_fields_getattr(ti, in, recv);
    if (recv->kind == TY_RNG) {
        if (ti_is_rng_method(attr)) return ty_method(recv, attr);
        return UNSUP(in, "Generator.%s is not supported (integers, random, the distributions, choice, shuffle, "
                         "permutation, dirichlet and multinomial are)", attr), NULL;
    }
    if (recv->kind == TY_LIST) return ti_list_getattr(ti, in, recv);
    if ((recv->kind == TY_RANGE || recv->kind == TY_SLICE) && (!strcmp(attr, "start") || !strcmp(attr, "stop") || !strcmp(attr, "step")))
        return ty_int64;   /* (a slice's absent part: Numba's default, slice(None, 5).start is 0) */
    if (recv->kind == TY_DICT) return ti_dict_getattr(ti, in, recv);
    if (recv->kind == TY_SET) return ti_set_getattr(ti, in, recv);
    if (recv->kind == TY_METHOD && !strcmp(recv->attr, "flags") && recv->recv->kind == TY_ARRAY) {
        static const char *const flags[] = {"c_contiguous", "f_contiguous", "contiguous", "writeable", "aligned", NULL};
        for (int i = 0; flags[i]; i++)
            if (!strcmp(attr, flags[i])) return ty_bool;
        return UNSUP(in, "array flag '%s' is not supported", attr), NULL;
    }
    if (recv->kind == TY_FUNCTION && (recv->builtin == BI_TYPED_LIST || recv->builtin == BI_TYPED_DICT))
        return ti_typed_getattr(ti, in, recv);
    if (recv->kind == TY_FUNCTION && ti_is_ufunc(recv->builtin)) {   /* np.add.reduce & co */
        static const char *const methods[] = {"reduce", "accumulate", "outer", "at", NULL};
        for (int i = 0; methods[i]; i++)
            if (!strcmp(attr, methods[i])) return ty_method(recv, attr);
        return UNSUP(in, "ufunc method '%s' is not supported", attr), NULL;
    }
    if (ty_is_number(recv)) {
        if (!strcmp(attr, "real") || !strcmp(attr, "imag"))
            return recv == ty_complex128 ? ty_float64 : recv == ty_bool ? ty_int64 : recv;
        if (!strcmp(attr, "conjugate") || !strcmp(attr, "item") || (recv == ty_float64 && !strcmp(attr, "is_integer")))
            return ty_method(recv, attr);
        /* a NumPy scalar's array attributes (an element a[i, j], np.nditer's items): numba's too */
        if (!strcmp(attr, "ndim") || !strcmp(attr, "size"))
            return freeze(ti, in, PyLong_FromLong(!strcmp(attr, "size"))) ? ty_int64 : NULL;
        if (!strcmp(attr, "shape")) return ty_tuple(0, NULL);
    }
    if (recv == ty_str && ti_is_str_method(attr)) return ty_method(recv, attr);
    if (recv->kind == TY_DTYPE) return dtype_attr(ti, in, recv, attr);
    int field = ty_namedtuple_field(recv, attr);   /* p.x of a namedtuple */
    if (field >= 0) return recv->elems[field];
    if (recv->kind == TY_EXCVAL)
        return UNSUP(in, "a caught exception's '%s' is not supported (args, str(e) and repr(e) are)", attr), NULL;
    return UNSUP(in, "%s has no supported attribute '%s'", recv->name, attr), NULL;
}

/* ---- calls ------------------------------------------------------------------------- */
CallInfo *ti_new_call(TypeInfo *ti, Instr *in, CallKind kind, int nparams) {
    Ctx *ctx = ti->fn->ctx;
    CallInfo *ci = ctx_alloc(ctx, sizeof *ci);
    if (!ci) return NULL;
    ci->kind = kind;
    ci->nparams = nparams;
    ci->params = ctx_alloc(ctx, sizeof(Type *) * (size_t)(nparams + 1));
    ci->argmap = ctx_alloc(ctx, sizeof(int) * (size_t)(nparams + 1));
    ci->defaults = ctx_alloc(ctx, sizeof(PyObject *) * (size_t)(nparams + 1));
    if (!ci->params || !ci->argmap || !ci->defaults) return NULL;
    for (int i = 0; i < nparams; i++) ci->argmap[i] = i + 1;
    ti->calls[in->id] = ci;
    return ci;
}

static CallInfo *new_call(TypeInfo *ti, Instr *in, CallKind kind, int nparams) { return ti_new_call(ti, in, kind, nparams); }

/* Match a call's positional and keyword arguments to the parameters of `code`, filling argmap
 * and defaults; `defaults`/`kwdefaults` are the function's __defaults__/__kwdefaults__. */
static int arrange(TypeInfo *ti, Instr *in, PyObject *code, PyObject *defaults, PyObject *kwdefaults,
                   CallInfo *ci, const char *fname) {
    PyCodeObject *co = (PyCodeObject *)code;
    int npos = co->co_argcount, nparams = co->co_argcount + co->co_kwonlyargcount, star = fe_star_param(code);
    int nargs = in->nargs - 1 - in->nkw;   /* positional arguments given */
    if (nargs > npos && star < 0)
        return ERR(in, "%s() takes %d positional arguments but %d were given", fname, npos, nargs);
    for (int i = 0; i < nparams; i++) ci->argmap[i] = i < nargs && i < npos ? i + 1 : -1;
    if (star >= 0) {   /* the positional arguments after the named ones, as a tuple */
        ci->argmap[star] = ARG_STAR;
        ci->star_first = npos + 1;
    }
    for (int k = 0; k < in->nkw; k++) {
        int found = -1;
        for (int i = co->co_posonlyargcount; i < nparams; i++) {
            const char *pname = PyUnicode_AsUTF8(PyTuple_GET_ITEM(co->co_localsplusnames, i));
            if (pname && !strcmp(pname, in->kwnames[k])) found = i;
        }
        if (found < 0) return ERR(in, "%s() got an unexpected keyword argument '%s'", fname, in->kwnames[k]);
        if (ci->argmap[found] >= 0) return ERR(in, "%s() got multiple values for argument '%s'", fname, in->kwnames[k]);
        ci->argmap[found] = 1 + nargs + k;
    }
    Py_ssize_t ndef = defaults && PyTuple_Check(defaults) ? PyTuple_GET_SIZE(defaults) : 0;
    for (int i = 0; i < nparams; i++) {
        if (ci->argmap[i] >= 0) continue;
        PyObject *def = NULL;
        const char *pname = PyUnicode_AsUTF8(PyTuple_GET_ITEM(co->co_localsplusnames, i));
        if (i < npos && i >= npos - ndef) def = PyTuple_GET_ITEM(defaults, i - (npos - ndef));
        else if (i >= npos && kwdefaults && PyDict_Check(kwdefaults))
            def = PyDict_GetItemString(kwdefaults, pname);
        if (!def) return ERR(in, "%s() missing required argument '%s'", fname, pname);
        if (!is_frozen_value(def))
            return UNSUP(in, "default value of parameter '%s' has unsupported type '%s'", pname,
                         Py_TYPE(def)->tp_name);
        ci->defaults[i] = def;
    }
    return 0;
}

static const Type *param_type(Instr *in, CallInfo *ci, int i, const Type **args) {
    if (ci->argmap[i] == ARG_STAR) {
        int n = in->nargs - in->nkw - ci->star_first;
        return ty_tuple(n > 0 ? n : 0, args + ci->star_first - 1);
    }
    return ci->argmap[i] >= 0 ? args[ci->argmap[i] - 1] : ty_typeof(ci->defaults[i]);
}

/* A compiled callee's answers for its callers: what it returns as float32 and narrow ints. */
static void take_callee(CallInfo *ci, const Callee *out) {
    ci->symbol = out->symbol;
    ci->bitcode = out->bitcode;
    ci->ret_facts = out->ret_facts;
    ci->raises_refs = out->raises_refs;
}

static int type_dispatcher_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args) {
    PyObject *py_func = ti->host->dispatcher_py_func(callee->obj);
    PyObject *code = py_func ? PyFunction_GetCode(py_func) : NULL;
    if (!code) return -1;
    PyCodeObject *co = (PyCodeObject *)code;
    int nparams = fe_nparams(code);
    CallInfo *ci = new_call(ti, in, CALL_NATIVE, nparams);
    if (!ci) return -1;
    const char *fname = PyUnicode_AsUTF8(co->co_qualname);
    if (arrange(ti, in, code, PyFunction_GetDefaults(py_func), PyFunction_GetKwDefaults(py_func),
                ci, fname))
        return -1;
    const Type *types[256];
    for (int i = 0; i < nparams; i++) types[i] = param_type(in, ci, i, args);
    for (int i = 0; i < nparams; i++)
        if (!ty_is_complete(types[i])) return ti->calls[in->id] = NULL, 0;   /* a list whose element type a later use gives */

    if (ti->fn->generator && code == ti->fn->code)
        return ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, in->loc, "a generator function calling itself "
                         "(a recursive generator) is not supported");
    /* Recursion into the function being typed, with the same argument types. */
    TypeInfo *root = ti->root;
    if (code == root->fn->code && nparams == root->nargs &&
        !memcmp(types, root->argtypes, sizeof(Type *) * (size_t)nparams) && root == ti) {
        ci->kind = CALL_SELF;
        memcpy(ci->params, types, sizeof(Type *) * (size_t)nparams);
        ci->ret = ti->ret;   /* NULL until a non-recursive return path is typed */
        return 0;
    }
    if (ti_cycle_call(ti, code, types, nparams, ci)) return 0;   /* a function of this compile's cycle */
    Callee out = {.join_cycle = true};
    int rc = ti->host->compile_callee(ti->fn->ctx, callee->obj, types, nparams, &out, ti->fn, in->loc);
    if (rc) return rc < 0 ? -1 : ti_cycle_join(ti, out.member, types, nparams, ci);   /* it calls back into it */
    ci->ret = out.ret;
    memcpy(ci->params, out.params, sizeof(Type *) * (size_t)nparams);
    take_callee(ci, &out);
    return 0;
}

/* After facts (facts.c): a compiled function called with float32 values (g(a32[i], x) where x
 * is an np.float32) calls its specialisation for float32 parameters, as in Numba, which computes
 * in float32 (a stencil step called from a loop over time steps ran its float32 maths in float64:
 * other numbers than Numba's, and 2.3x its time). Likewise a NumPy scalar of a narrow int dtype
 * (an element of a uint8 array) calls the specialisation for that dtype, as Python passing an
 * np.uint8 does: its ~x and -x wrap at its width (inv(a[0]) gave -6 for ~np.uint8(5), where
 * Numba and CPython give 250), and what it returns is an np.uint8 to the caller where every
 * return gives one (lo, hi = sort2(p, q): a sorting network's steps stay uint8, as Numba's).
 * The argument types stay the canonical ones (a float32 is held as a float64, a uint8 as an
 * int64), so the call's types do not change. One round: every call gets the specialisation its
 * arguments' facts ask for (the canonical one where `canonical`); *changed when one did. */
int ti_narrow_native_calls(TypeInfo *ti, bool canonical, bool *changed) {
    Function *fn = ti->fn;
    for (int v = 0; v < fn->ninstrs; v++) {
        Instr *in = fn->instrs[v];
        CallInfo *ci = in && in->op == IR_CALL ? ti->calls[v] : NULL;
        const Type *callee = ci && ci->kind == CALL_NATIVE && !ci->receiver ? ti->vtypes[in->args[0]] : NULL;
        if (!callee || callee->kind != TY_DISPATCHER || ci->nparams > 256) continue;
        const Type *types[256], **args = ctx_alloc(fn->ctx, sizeof(Type *) * (size_t)(in->nargs + 1));
        if (!args) return -1;
        for (int k = 1; k < in->nargs; k++) args[k - 1] = ti->vtypes[in->args[k]];
        for (int i = 0; i < ci->nparams; i++) {
            types[i] = param_type(in, ci, i, args);
            int a = ci->argmap[i] >= 1 && !canonical ? in->args[ci->argmap[i]] : -1, dt;
            if (a >= 0 && types[i] == ty_float64 && ti->f32 && ti->f32[a])
                types[i] = ty_float32;
            else if (a >= 0 && types[i] == ty_int64 && (dt = ti_numpy_scalar_dtype(ti, a)) >= 0 &&
                     (ty_dtypes[dt].kind == 'i' || ty_dtypes[dt].kind == 'u') && ty_dtypes[dt].size < 8 && ty_state->narrow[dt])
                types[i] = ty_state->narrow[dt];
        }
        Callee out = {.join_cycle = false};
        int rc = ti->host->compile_callee(fn->ctx, callee->obj, types, ci->nparams, &out, fn, in->loc);
        if (rc < 0) return -1;
        if (rc > 0 || out.ret != ci->ret || !strcmp(out.symbol, ci->symbol)) continue;   /* (a cycle's member: as it was) */
        memcpy(ci->params, out.params, sizeof(Type *) * (size_t)ci->nparams);
        take_callee(ci, &out);
        *changed = true;
    }
    return 0;
}

int ti_type_dispatcher_call(TypeInfo *ti, Instr *in, PyObject *d, const Type **args) {
    return type_dispatcher_call(ti, in, ty_object(TY_DISPATCHER, d, 0), args);
}

static int var_named(TypeInfo *ti, const char *name) {
    for (int v = 0; v < ti->fn->nvars; v++)
        if (!strcmp(ti->fn->varnames[v], name)) return v;
    return -1;
}

static bool code_has_name(PyCodeObject *co, const char *name) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(co->co_localsplusnames); i++)
        if (!strcmp(PyUnicode_AsUTF8(PyTuple_GET_ITEM(co->co_localsplusnames, i)), name)) return true;
    return false;
}

/* The variables of this frame that inner function co does not take but the closures it is given
 * (free variables whose values are inner functions, and theirs in turn) use: [inner(i) for i in
 * r] in a function whose closure `inner` reads its `a`. CPython's comprehension reaches `a`
 * through inner's cell; here co takes it as one more free variable and passes it on. Adds them
 * to out[*n] (at most max); depth bounds a closure that reaches itself. */
static void extra_free_vars(TypeInfo *ti, PyCodeObject *co, PyCodeObject *from, const char **out, int *n, int max,
                            int depth) {
    int nfree = from->co_nfreevars, total = (int)PyTuple_GET_SIZE(from->co_localsplusnames);
    for (int j = 0; j < nfree && depth < 8; j++) {
        const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(from->co_localsplusnames, total - nfree + j));
        int var = var_named(ti, name);
        bool have = from == co || code_has_name(co, name) || var < 0;
        for (int m = 0; m < *n && !have; m++) have = !strcmp(out[m], name);
        if (!have && *n < max) out[(*n)++] = name;
        const Type *t = var >= 0 ? ti->vartypes[var] : NULL;
        if (t && t->kind == TY_INNERFUNC && PyCode_Check(t->obj) && (PyCodeObject *)t->obj != from)
            extra_free_vars(ti, co, (PyCodeObject *)t->obj, out, n, max, depth + 1);
    }
}

/* Inner functions: typed (and later lowered) with this compile, once per argument types. */
static int type_inner_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args) {
    for (int i = 0; i + 1 < in->nargs; i++)
        if (!ty_is_complete(args[i])) return 0;   /* a list whose element type a later use gives */
    PyObject *code = callee->obj;
    PyCodeObject *co = (PyCodeObject *)code;
    Ctx *ctx = ti->fn->ctx;
    const char *extra[32];
    int nparams = fe_nparams(code), nown = co->co_nfreevars, nextra = 0;
    extra_free_vars(ti, co, co, extra, &nextra, 32, 0);
    int nfree = nown + nextra;
    CallInfo *ci = new_call(ti, in, CALL_INNER, nparams);
    if (!ci) return -1;
    PyObject *defaults = NULL;   /* from the MAKE_FUNCTION that made it, here or in an outer function */
    for (TypeInfo *t = ti; t && !defaults; t = t->outer)
        for (int i = 0; i < t->fn->ninstrs && !defaults; i++)
            if (t->fn->instrs[i]->op == IR_MAKEFUNC && t->fn->instrs[i]->obj == code)
                defaults = t->fn->instrs[i]->defaults;
    if (arrange(ti, in, code, defaults, NULL, ci, PyUnicode_AsUTF8(co->co_qualname))) return -1;
    const Type *types[256];
    for (int i = 0; i < nparams; i++) types[i] = param_type(in, ci, i, args);
    ci->closure_vars = ctx_alloc(ctx, sizeof(int) * (size_t)(nfree + 1));
    ci->nclosure = nfree;
    for (int j = 0; j < nfree; j++) {
        const char *fname = j >= nown ? extra[j - nown]
                          : PyUnicode_AsUTF8(PyTuple_GET_ITEM(co->co_localsplusnames, PyTuple_GET_SIZE(co->co_localsplusnames) - nown + j));
        int var = var_named(ti, fname);
        if (var < 0) {   /* an inner function passed to another compiled function: its variables stay behind */
            const char *file = PyUnicode_AsUTF8(co->co_filename), *slash = file ? strrchr(file, '/') : NULL;
            return UNSUP(in, "inner function %s (%s:%d) uses '%s' of the function that defines it, so it cannot be "
                         "called here, in another compiled function it was passed to; pass '%s' as an argument too, "
                         "or define the function at module level", PyUnicode_AsUTF8(co->co_qualname),
                         slash ? slash + 1 : file ? file : "?", co->co_firstlineno, fname, fname);
        }
        ci->closure_vars[j] = var;
        if (!(types[nparams + j] = ti->vartypes[var]) || !ty_is_complete(types[nparams + j])) {   /* not typed yet (an
            * empty list a later append or heappush fills): next round */
            ti->calls[in->id] = NULL;
            return 0;
        }
    }
    memcpy(ci->params, types, sizeof(Type *) * (size_t)nparams);
    TypeInfo *root = ti->root;
    for (int k = 0; k < root->ninners; k++) {
        TypeInfo *cand = root->inners[k];
        if (cand->fn->code == code && cand->nargs == nparams + nfree &&
            !memcmp(cand->argtypes, types, sizeof(Type *) * (size_t)(nparams + nfree))) {
            ci->inner = cand;
            ci->ret = cand->ret;
            return 0;
        }
    }
    for (TypeInfo *t = ti; t; t = t->outer)   /* being typed already: it calls itself (it would type for ever) */
        if (t->fn->code == code)
            return UNSUP(in, "the inner function '%s' calls itself; recursion is compiled for @njit functions "
                             "defined at module level: define it there", PyUnicode_AsUTF8(co->co_qualname));
    Function *fn = fe_build_inner(ctx, code, ti->fn->globals, ti->fn->builtins, NULL, extra, nextra);
    if (!fn) return -1;
    char *symbol = ctx_printf(ctx, "%s.inner%d", root->symbol, root->inner_serial++);
    TypeInfo *inner = ti_infer(ctx, fn, types, nparams + nfree, ti->host, symbol, ti);
    if (!inner) return -1;
    TypeInfo **list = ctx_alloc(ctx, sizeof(TypeInfo *) * (size_t)(root->ninners + 1));
    if (!list) return -1;
    if (root->ninners) memcpy(list, root->inners, sizeof(TypeInfo *) * (size_t)root->ninners);
    list[root->ninners++] = inner;
    root->inners = list;
    ci->inner = inner;
    ci->ret = inner->ret;
    return 0;
}

/* A builtin given as a function value (key=len): the code of `lambda x: name(x)`, made once per
 * name and kept for the process, so that it types and lowers as an inner function; NULL when the
 * object is not the builtin of that name. */
static PyObject *builtin_as_lambda(TypeInfo *ti, PyObject *f) {
    static PyObject *made;   /* name -> code; owner: this function, under the GIL */
    PyObject *name = PyObject_GetAttrString(f, "__name__");
    PyObject *code = NULL;
    if (name && PyUnicode_Check(name) && PyDict_GetItem(ti->fn->builtins, name) == f &&
        (made || (made = PyDict_New()))) {
        code = PyDict_GetItem(made, name);
        if (!code) {
            PyObject *src = PyUnicode_FromFormat("lambda x: %U(x)", name);
            PyObject *mod = src ? Py_CompileString(PyUnicode_AsUTF8(src), "<key>", Py_eval_input) : NULL;
            PyObject *consts = mod ? ((PyCodeObject *)mod)->co_consts : NULL;
            for (Py_ssize_t i = 0; consts && i < PyTuple_GET_SIZE(consts) && !code; i++)
                if (PyCode_Check(PyTuple_GET_ITEM(consts, i))) code = PyTuple_GET_ITEM(consts, i);
            if (code && PyDict_SetItem(made, name, code) < 0) code = NULL;
            Py_XDECREF(src);
            Py_XDECREF(mod);   /* the dict holds the lambda's code */
        }
    }
    PyErr_Clear();
    Py_XDECREF(name);
    return code;
}

static int type_hooked_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs);

CallInfo *ti_type_value_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs, bool *again) {
    *again = false;
    PyObject *lambda = callee->kind == TY_FUNCTION && callee->obj ? builtin_as_lambda(ti, callee->obj) : NULL;
    if (lambda) callee = ty_object(TY_INNERFUNC, lambda, 0);
    if (callee->kind != TY_DISPATCHER && callee->kind != TY_INNERFUNC && callee->kind != TY_HOOKED) {
        UNSUP(in, "a key function must be an @njit function, a def or a lambda (got %s)", callee->name);
        return NULL;
    }
    Instr call = *in;   /* the call as if written f(item): in's id and place, no keywords */
    call.nargs = nargs + 1;
    call.nkw = 0;
    call.kwnames = NULL;
    CallInfo *saved = ti->calls[in->id];
    ti->calls[in->id] = NULL;
    int rc = callee->kind == TY_DISPATCHER ? type_dispatcher_call(ti, &call, callee, args)
           : callee->kind == TY_HOOKED   ? type_hooked_call(ti, &call, callee, args, nargs)   /* operator.neg */
                                         : type_inner_call(ti, &call, callee, args);
    CallInfo *ci = ti->calls[in->id];
    ti->calls[in->id] = saved;
    if (rc) return NULL;
    if (!ci || !ci->ret) *again = true;
    return *again ? NULL : ci;
}

static bool is_int(const Type *t) { return ty_is_int(t) || t == ty_bool; }

/* print(*values, sep=' ', end='\n', flush=False): numbers, None, strings, tuples of them and
 * arrays, written by Python's own print (runtime/error.c, ember_rt_print). The call's params are
 * the values, then sep, end and flush. */
static int type_print(TypeInfo *ti, Instr *in, const Type **args, int nargs) {
    int npos = nargs - in->nkw;
    char desc[512] = "";
    for (int i = 0; i < npos; i++)
        if (ty_value_layout(ti_complete(args[i]), desc, sizeof desc, true) < 0)   /* ({} stays empty: dict(int64, int64)) */
            return UNSUP(ti->fn->instrs[in->args[i + 1]], "print() of %s is not supported (numbers, None, strings, "
                         "arrays, and tuples, lists, dicts and sets of them are)", args[i]->name);
    CallInfo *ci = new_call(ti, in, CALL_BUILTIN, npos + 3);
    if (!ci) return -1;
    ci->builtin = BI_PRINT;
    for (int i = 0; i < npos; i++) ci->params[i] = args[i];
    static const char *const names[3] = {"sep", "end", "flush"};
    PyObject *defaults[3] = {PyUnicode_FromString(" "), PyUnicode_FromString("\n"), Py_NewRef(Py_False)};
    for (int j = 0; j < 3; j++) {
        ci->params[npos + j] = j < 2 ? ty_str : ty_bool;
        ci->argmap[npos + j] = -1;
        ci->defaults[npos + j] = ctx_keep(ti->fn->ctx, defaults[j]);
        Py_XDECREF(defaults[j]);
    }
    for (int k = 0; k < in->nkw; k++) {
        int j = 0;
        while (j < 3 && strcmp(in->kwnames[k], names[j])) j++;
        const Type *t = args[npos + k];
        if (j == 3)
            return (!strcmp(in->kwnames[k], "file") ? UNSUP(in, "print(file=...) is not supported: compiled print writes to sys.stdout")
                                                     : ERR(in, "print() got an unexpected keyword argument '%s'", in->kwnames[k]));
        if (t->kind == TY_NONE) continue;   /* None: the default, as in Python */
        if (j < 2 ? t != ty_str : !ty_is_number(t))
            return ERR(in, "print()'s %s must be %s (got %s)", names[j], j < 2 ? "a string" : "a bool", t->name);
        ci->argmap[npos + j] = 1 + npos + k;
    }
    ci->ret = ty_none;
    return 0;
}

/* A tuple of real numbers (max((1, 2.0), (1, 3.0)) orders such tuples as Python does). */
static bool real_tuple(const Type *t) {
    if (t->kind != TY_TUPLE || t->n == 0) return false;
    for (int i = 0; i < t->n; i++)
        if (!ty_is_real(t->elems[i])) return false;
    return true;
}

static int type_builtin_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs) {
    if (bid == BI_ABS && nargs == 1 && args[0]->kind == TY_ARRAY)   /* abs(a) is np.abs(a) */
        return ti_type_numpy_call(ti, in, BI_NP_ABS, args, nargs, false);
    const BuiltinInfo *bi = &ti_builtins[bid];
    if (bid == BI_PRINT) return type_print(ti, in, args, nargs);
    if (bid == BI_FORMAT || bid == BI_BIN || bid == BI_HEX || bid == BI_OCT) return ti_type_format_builtin(ti, in, bid, args, nargs);
    if (!strcmp(bi->module, "random")) return ti_type_pyrandom_call(ti, in, bid, args, nargs);
    if (in->nkw && bid != BI_M_ISCLOSE)
        return UNSUP(in, "keyword arguments to %s() are not supported", bi->name);
    CallInfo *ci = new_call(ti, in, CALL_BUILTIN, nargs);
    if (!ci) return -1;
    ci->builtin = bid;
    memcpy(ci->params, args, sizeof(Type *) * (size_t)nargs);
    const Type *ret = NULL;
#define NARGS(lo, hi) \
    if (nargs < (lo) || nargs > (hi)) return ERR(in, "%s() takes %d to %d arguments (%d given)", bi->name, lo, hi, nargs)
#define ALL(pred, what) \
    for (int i = 0; i < nargs; i++) if (!pred(args[i])) return ERR(in, "%s() does not accept %s (needs %s)", bi->name, args[i]->name, what)
#define SET_PARAMS(t) for (int i = 0; i < nargs; i++) ci->params[i] = (t)
    switch (bi->shape) {
    case SH_F_F: NARGS(1, 1); ALL(ty_is_real, "a real number"); SET_PARAMS(ty_float64); ret = ty_float64; break;
    case SH_FF_F: NARGS(2, 2); ALL(ty_is_real, "a real number"); SET_PARAMS(ty_float64); ret = ty_float64; break;
    case SH_F_B: NARGS(1, 1); ALL(ty_is_real, "a real number"); SET_PARAMS(ty_float64); ret = ty_bool; break;
    case SH_UF: case SH_US: case SH_UB: case SH_BF: case SH_BS: case SH_BB: break;   /* NumPy: numpy.c */
    case SH_F_I:
        NARGS(1, 1); ALL(ty_is_real, "a real number");
        ci->params[0] = args[0] == ty_float64 ? ty_float64 : ty_int64;
        ret = ty_int64;
        break;
    case SH_SPECIAL:
        switch (bid) {
        case BI_RND_FILL_BCAST: return ti_type_rdist_fill(ti, in, ci, args, nargs);
        case BI_ABS:
            NARGS(1, 1); ALL(ty_is_number, "a number");
            ret = args[0] == ty_complex128 ? ty_float64 : args[0] == ty_bool ? ty_int64 : args[0];
            ci->params[0] = args[0] == ty_bool ? ty_int64 : args[0];
            break;
        case BI_MIN: case BI_MAX: {
            if (nargs == 0) return ERR(in, "%s expected at least 1 argument", bi->name);
            const Type *u = NULL;
            if (nargs == 1) {
                if (args[0]->kind != TY_TUPLE || args[0]->n == 0)
                    return ERR(in, "%s() of %s is not supported (needs a non-empty tuple)", bi->name, args[0]->name);
                for (int i = 0; i < args[0]->n; i++) u = ty_unify(u, args[0]->elems[i]);
            } else {
                bool u64 = false;   /* min(a[i], h) of a uint32 element and a uint64: a uint64, as in Numba */
                for (int i = 0; i < nargs; i++) u64 |= args[i] == ty_uint64;
                for (int i = 0; i < nargs; i++)
                    u = ty_unify(u, u64 && args[i] == ty_int64 && i + 1 < in->nargs && ti_narrow_unsigned(ti, in->args[i + 1])
                                        ? ty_uint64 : args[i]);
            }
            if (!u || !(ty_is_real(u) || real_tuple(u))) return ERR(in, "%s() of %s is not supported", bi->name, u ? u->name : "mixed types");
            if (nargs > 1) SET_PARAMS(u);
            ret = u;
            break;
        }
        case BI_INT:
            NARGS(0, 1);
            if (nargs && args[0] != ty_str) ALL(ty_is_real, "a real number or a str");
            ret = nargs && args[0] == ty_uint64 ? ty_uint64 : ty_int64;   /* int(np.uint64(2**64 - 1)) keeps its value */
            break;
        case BI_FLOAT:
            NARGS(0, 1);
            if (nargs && args[0] != ty_str) ALL(ty_is_real, "a real number or a str");
            ret = ty_float64;
            break;
        case BI_TYPE: {   /* type(x)(1) converts as np.float64(1) does, as Numba's (numba-stats) */
            NARGS(1, 1);
            int dt = ty_is_number(args[0]) ? ti_numpy_scalar_dtype(ti, in->args[1]) : -1;
            if (dt < 0 && ty_is_number(args[0])) dt = ty_dtype_of_scalar(args[0]);
            if (dt < 0) return UNSUP(in, "type() of %s is not supported (of a number it is)", args[0]->name);
            ci->params[0] = args[0];
            ret = ty_dtype(dt);
            break;
        }
        case BI_ISINSTANCE:
            if (ti_type_isinstance(ti, in, args, nargs, ci)) return -1;
            ret = ty_bool;
            break;
        case BI_TUPLE:   /* tuple(t) of a tuple (a namedtuple's items), tuple() */
            NARGS(0, 1);
            if (nargs && args[0]->kind != TY_TUPLE)
                return UNSUP(in, "tuple() of %s is not supported (a tuple's length is part of its type: build it with "
                                 "(a, b, ...))", args[0]->name);
            ret = nargs ? ty_tuple(args[0]->n, args[0]->elems) : ty_tuple(0, NULL);
            if (nargs) ci->params[0] = ret;
            break;
        case BI_STR: case BI_REPR: case BI_HASH: case BI_ORD: case BI_CHR:
            if (ti_type_str_builtin(ti, in, bid, args, nargs, ci)) return -1;
            ret = ci->ret;
            break;
        case BI_BOOL:
            NARGS(0, 1);
            if (nargs && !ti_has_truth(args[0]))
                return ERR(in, "bool() of %s is not supported", args[0]->name);
            ret = ty_bool;
            break;
        case BI_COMPLEX:
            NARGS(0, 2); ALL(ty_is_number, "a number");
            SET_PARAMS(ty_complex128);
            ret = ty_complex128;
            break;
        case BI_ROUND:
            NARGS(1, 2); ALL(ty_is_real, "a real number");
            if (nargs == 2 && !is_int(args[1])) return ERR(in, "round() ndigits must be an integer");
            ci->params[0] = args[0] == ty_float64 ? ty_float64 : ty_int64;
            if (nargs == 2) ci->params[1] = ty_int64;
            ret = nargs == 1 || args[0] != ty_float64 ? ty_int64 : ty_float64;
            break;
        case BI_POW:
            if (nargs == 3) {   /* pow(a, b, m): ints only, as CPython */
                for (int i = 0; i < 3; i++)
                    if (!is_int(args[i]))
                        return ERR(in, "pow() 3rd argument not allowed unless all arguments are integers");
                SET_PARAMS(ty_int64);
                ret = ty_int64;
                break;
            }
            /* fall through */
        case BI_DIVMOD: {
            NARGS(2, 2); ALL(ty_is_number, "a number");
            const Type *t = ty_unify(args[0], args[1]);
            if (t == ty_bool) t = ty_int64;
            if (bid == BI_DIVMOD && t == ty_complex128) return ERR(in, "divmod() of complex numbers");
            SET_PARAMS(t);
            const Type *pair[2] = {t, t};
            ret = bid == BI_POW ? t : ty_tuple(2, pair);
            break;
        }
        case BI_ITER:   /* iter(x): an iterator of x's items (of an iterator: itself) */
            NARGS(1, 1);
            if (args[0]->kind != TY_ITER && !ti_is_iterable(args[0]))
                return UNSUP(in, "iter() of %s is not supported", args[0]->name);
            ci->params[0] = args[0];
            ret = args[0]->kind == TY_ITER ? args[0] : ty_iter(args[0]);
            break;
        case BI_NEXT: {   /* next(it[, default]) of a generator or of an iterator iter() made */
            NARGS(1, 2);
            if (args[0]->kind != TY_GENERATOR && args[0]->kind != TY_ITER)
                return UNSUP(in, "next() of %s is not supported (of a generator or an iterator from iter() it is)", args[0]->name);
            ret = args[0]->kind == TY_ITER ? ti_iter_value_type(args[0]->iter_of) : args[0]->elems[0];
            if (nargs == 2 && !(ret = ty_unify(ret, args[1])))
                return ERR(in, "next()'s default (%s) does not unify with the iterator's items (%s)", args[1]->name,
                           ti_iter_value_type(args[0])->name);
            ci->params[0] = args[0];
            if (nargs == 2) ci->params[1] = ret;
            break;
        }
        case BI_LITERAL_UNROLL:   /* the container itself; a loop over it is unrolled (unroll.c) */
            NARGS(1, 1);
            ret = args[0];
            break;
        case BI_LEN:
            NARGS(1, 1);
            if (args[0]->kind != TY_TUPLE && args[0] != ty_str && args[0]->kind != TY_RANGE &&
                !((args[0]->kind == TY_ARRAY || args[0]->kind == TY_RECARRAY) && args[0]->ndim > 0))
                return ERR(in, "len() of %s is not supported", args[0]->name);
            ret = ty_int64;
            break;
        case BI_ENUMERATE:
            NARGS(1, 2);
            if (!ti_is_iterable(args[0])) return UNSUP(in, "enumerate() over %s is not supported", args[0]->name);
            if (nargs == 2 && !is_int(args[1])) return ERR(in, "enumerate() start must be an integer");
            ci->params[0] = args[0];
            if (nargs == 2) ci->params[1] = ty_int64;
            {
                const Type *parts[2] = {ty_range, args[0]};
                ret = ty_zip(2, parts, true);
            }
            break;
        case BI_ZIP:
            NARGS(1, 32);
            for (int i = 0; i < nargs; i++) {
                if (!ti_is_iterable(args[i])) return UNSUP(in, "zip() over %s is not supported", args[i]->name);
                ci->params[i] = args[i];
            }
            ret = ty_zip(nargs, args, false);
            break;
        case BI_SLICE: {   /* the parts given, as a[start:stop:step] types them (None: absent) */
            NARGS(1, 3);
            int mask = 0;
            for (int i = 0; i < nargs; i++) {
                int part = nargs == 1 ? 1 : i;
                if (args[i]->kind == TY_NONE) continue;
                if (!is_int(args[i])) return ERR(in, "slice indices must be integers or None (got %s)", args[i]->name);
                mask |= 1 << part;
                ci->params[i] = ty_int64;
            }
            for (int i = 0; i < nargs; i++)
                if (args[i]->kind == TY_NONE) ci->params[i] = ty_none;
            ret = ty_slice(mask);
            break;
        }
        case BI_GET_THREAD_ID: case BI_GET_NUM_THREADS:
            NARGS(0, 0);
            ret = ty_int64;
            break;
        case BI_SET_NUM_THREADS:
            NARGS(1, 1); ALL(is_int, "an integer");
            SET_PARAMS(ty_int64);
            ret = ty_none;
            break;
        case BI_RANGE: case BI_PRANGE:
            NARGS(1, 3);
            for (int i = 0; i < nargs; i++)   /* range(0, n) of a float n: truncated, as Numba does (CPython: TypeError) */
                if (args[i] == ty_float64 && !in->nkw && in->nargs == nargs + 1) return ti_wrap_int(ti, in, i + 1);
            ALL(is_int, "an integer");
            SET_PARAMS(ty_int64);
            ret = ty_range;
            break;
        case BI_M_LOG:
            NARGS(1, 2); ALL(ty_is_real, "a real number");
            SET_PARAMS(ty_float64);
            ret = ty_float64;
            break;
        case BI_M_LDEXP:
            NARGS(2, 2);
            if (!ty_is_real(args[0]) || !is_int(args[1])) return ERR(in, "ldexp() needs a float and an integer");
            ci->params[0] = ty_float64;
            ci->params[1] = ty_int64;
            ret = ty_float64;
            break;
        case BI_M_FREXP: case BI_M_MODF: {
            NARGS(1, 1); ALL(ty_is_real, "a real number");
            ci->params[0] = ty_float64;
            const Type *pair[2] = {ty_float64, bid == BI_M_FREXP ? ty_int64 : ty_float64};
            ret = ty_tuple(2, pair);
            break;
        }
        case BI_M_GCD:
            ALL(is_int, "an integer");
            SET_PARAMS(ty_int64);
            ret = ty_int64;
            break;
        case BI_M_FACTORIAL:
            NARGS(1, 1); ALL(is_int, "an integer");
            SET_PARAMS(ty_int64);
            ret = ty_int64;
            break;
        case BI_M_ULP:
            NARGS(1, 1); ALL(ty_is_real, "a real number");
            SET_PARAMS(ty_float64);
            ret = ty_float64;
            break;
        case BI_M_ISCLOSE: {
            /* isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0) */
            int npos = nargs - in->nkw;
            if (npos != 2) return ERR(in, "isclose() takes 2 positional arguments");
            CallInfo *c4 = new_call(ti, in, CALL_BUILTIN, 4);
            if (!c4) return -1;
            c4->builtin = bid;
            c4->argmap[0] = 1;
            c4->argmap[1] = 2;
            c4->argmap[2] = c4->argmap[3] = -1;
            c4->defaults[2] = ctx_keep(ti->fn->ctx, PyFloat_FromDouble(1e-9));
            c4->defaults[3] = ctx_keep(ti->fn->ctx, PyFloat_FromDouble(0.0));
            Py_DECREF(c4->defaults[2]);
            Py_DECREF(c4->defaults[3]);
            for (int k = 0; k < in->nkw; k++) {
                int slot = !strcmp(in->kwnames[k], "rel_tol") ? 2 : !strcmp(in->kwnames[k], "abs_tol") ? 3 : -1;
                if (slot < 0) return ERR(in, "isclose() got an unexpected keyword argument '%s'", in->kwnames[k]);
                c4->argmap[slot] = 3 + k;
            }
            ALL(ty_is_real, "a real number");
            for (int i = 0; i < 4; i++) c4->params[i] = ty_float64;
            c4->ret = ty_bool;
            return 0;
        }
        default:
            return UNSUP(in, "%s() is not supported", bi->name);
        }
        break;
    }
    ci->ret = ret;
    return 0;
#undef NARGS
#undef ALL
#undef SET_PARAMS
}

/* A Python value of type t, for asking Python code about a call (TY_HOOKED): numbers, None,
 * strings (empty), tuples, and empty arrays of the dtype, ndim and layout. NULL (no error set) for other types. */
PyObject *ti_example_value(const Type *t) {
    switch (t->kind) {
    case TY_NONE: return Py_NewRef(Py_None);
    case TY_BOOL: return Py_NewRef(Py_False);
    case TY_INT64: return PyLong_FromLong(0);
    case TY_UINT64: return PyLong_FromUnsignedLongLong(1ULL << 63);
    case TY_FLOAT64: return PyFloat_FromDouble(0.0);
    case TY_COMPLEX128: return PyComplex_FromDoubles(0.0, 0.0);
    case TY_STR: return PyUnicode_FromString("");
    case TY_RNG: {   /* a Generator */
        PyObject *mod = PyImport_ImportModule("numpy.random");
        PyObject *g = mod ? PyObject_CallMethod(mod, "default_rng", "i", 0) : NULL;
        Py_XDECREF(mod);
        if (!g) PyErr_Clear();
        return g;
    }
    case TY_DTYPE: {   /* its NumPy scalar type: np.float32 */
        PyObject *np = PyImport_ImportModule("numpy");
        PyObject *d = np ? PyObject_CallMethod(np, "dtype", "s", ty_dtypes[t->dtype].name) : NULL;
        PyObject *type = d ? PyObject_GetAttrString(d, "type") : NULL;
        Py_XDECREF(d);
        Py_XDECREF(np);
        if (!type) PyErr_Clear();
        return type;
    }
    case TY_TUPLE: {
        PyObject *r = PyTuple_New(t->n);
        for (int i = 0; r && i < t->n; i++) {
            PyObject *v = ti_example_value(t->elems[i]);
            if (!v) { Py_DECREF(r); return NULL; }
            PyTuple_SET_ITEM(r, i, v);
        }
        return r;
    }
    case TY_LIST: {   /* one example element */
        PyObject *v = t->elems[0] ? ti_example_value(t->elems[0]) : NULL;
        PyObject *r = v ? PyList_New(1) : NULL;
        if (r) PyList_SET_ITEM(r, 0, v);
        else Py_XDECREF(v);
        return r;
    }
    case TY_ARRAY: {   /* (C: every size 1; F and strided: sizes 2, so that the flags tell the layout) */
        PyObject *np = PyImport_ImportModule("numpy"), *a = NULL;
        PyObject *shape = PyTuple_New(t->ndim);
        for (int i = 0; shape && i < t->ndim; i++)
            PyTuple_SET_ITEM(shape, i, PyLong_FromLong(t->layout == 'C' ? 1 : t->layout == 'A' && i == 0 ? 3 : 2));
        if (np && shape)
            a = PyObject_CallMethod(np, "empty", "Oss", shape, ty_dtypes[t->dtype].name, t->layout == 'F' ? "F" : "C");
        if (a && t->layout == 'A' && t->ndim > 0) {   /* a strided view: every layout's example */
            PyObject *two = PyLong_FromLong(2), *sl = two ? PySlice_New(NULL, NULL, two) : NULL;
            PyObject *v = sl ? PyObject_GetItem(a, sl) : NULL;
            Py_XDECREF(two);
            Py_XDECREF(sl);
            Py_SETREF(a, v);
        }
        Py_XDECREF(np);
        Py_XDECREF(shape);
        if (!a) PyErr_Clear();
        return a;
    }
    case TY_DISPATCHER: case TY_FUNCTION: case TY_INNERFUNC: case TY_CFUNC:   /* a function: its object (map(f, xs)) */
        return t->obj ? Py_NewRef(t->obj) : NULL;
    case TY_RANGE: return PyObject_CallFunction((PyObject *)&PyRange_Type, "i", 0);
    case TY_GENERATOR: case TY_ITER: case TY_ZIP: {   /* an iterator: an empty one */
        PyObject *e = PyTuple_New(0), *it = e ? PyObject_GetIter(e) : NULL;
        Py_XDECREF(e);
        return it;
    }
    default: return NULL;
    }
}

/* A call of an object that names the Dispatcher for these argument types (@stencil,
 * ember/_nplib.py): asked with example values of the arguments and the keyword names, and,
 * when it has __ember_consts__, the values of the arguments that are constant ints or strs. */
static int type_hooked_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs) {
    if (!PyObject_HasAttrString(callee->obj, "__ember_dispatcher__") && has_overload(callee->obj))
        return type_overload_call(ti, in, callee->obj, args, nargs);
    for (int i = 0; i < nargs; i++)
        if (!ty_is_complete(args[i])) return 0;   /* h = [] filled by a loop after: heapq.heapify(h) once it is typed */
    if (in->nkw && !PyObject_HasAttrString(callee->obj, "__ember_keywords__"))
        return UNSUP(in, "keyword arguments to %s are not supported in compiled code", callee->name);
    PyObject *values = PyTuple_New(nargs), *kwnames = PyTuple_New(in->nkw);
    for (int i = 0; kwnames && i < in->nkw; i++) PyTuple_SET_ITEM(kwnames, i, PyUnicode_FromString(in->kwnames[i]));
    for (int i = 0; values && i < nargs; i++) {
        PyObject *v = ti_example_value(args[i]);
        if (!v) {
            Py_DECREF(values);
            Py_XDECREF(kwnames);
            return UNSUP(ti->fn->instrs[in->args[i + 1]], "%s cannot take %s", callee->name, args[i]->name);
        }
        PyTuple_SET_ITEM(values, i, v);
    }
    PyObject *par = ti->fn->parallel ? Py_True : Py_False, *consts = NULL;
    if (values && kwnames && PyObject_HasAttrString(callee->obj, "__ember_consts__")) {
        consts = PyTuple_New(nargs);   /* each argument's value where it is a constant int, bool or str, else None */
        for (int i = 0; consts && i < nargs; i++) {
            int64_t k;
            const char *str = ti_const_str(ti, in->args[i + 1]);
            PyObject *c = str ? PyUnicode_FromString(str) : !ti_const_int(ti, in->args[i + 1], &k) ? Py_NewRef(Py_None)
                        : args[i] == ty_bool ? PyBool_FromLong(k != 0) : PyLong_FromLongLong(k);
            if (!c) Py_CLEAR(consts);
            else PyTuple_SET_ITEM(consts, i, c);
        }
    }
    PyObject *d = !values || !kwnames ? NULL
                : consts ? PyObject_CallMethod(callee->obj, "__ember_dispatcher__", "OOOO", values, par, kwnames, consts)
                : in->nkw ? PyObject_CallMethod(callee->obj, "__ember_dispatcher__", "OOO", values, par, kwnames)
                : PyObject_CallMethod(callee->obj, "__ember_dispatcher__", "OO", values, par);
    Py_XDECREF(values);
    Py_XDECREF(kwnames);
    Py_XDECREF(consts);
    return call_given(ti, in, d, callee->name, "no compiled function", args);
}

/* A call of callee (a Dispatcher, or a TY_HOOKED object naming one) with the value recv_id (of
 * type recv) first, then the values arg_ids (types args): an array method NumPy's function gives,
 * a jitclass's method, property, operator or constructor, an @overload_method. The CallInfo goes
 * on `in`, whatever its op, marked `receiver`; its argmap indexes in->args, where each value
 * passed must be (in a method call, the receiver is the method value, in->args[0]). */
static int receiver_call(TypeInfo *ti, Instr *in, const Type *callee, int recv_id, const Type *recv, const int *arg_ids,
                         const Type **args, int nargs, int nkw) {
    if (nargs > 255) return UNSUP(in, "too many arguments");
    int all[257];
    const Type *types[257];
    all[0] = recv_id;   /* (stands for the callee: never read) */
    all[1] = recv_id;
    types[0] = recv;
    for (int i = 0; i < nargs; i++) all[i + 2] = arg_ids[i], types[i + 1] = args[i];
    Instr call = *in;
    call.args = all;
    call.nargs = nargs + 2;
    call.nkw = nkw;
    if (!nkw) call.kwnames = NULL;
    if (callee->kind == TY_HOOKED ? type_hooked_call(ti, &call, callee, types, nargs + 1)
                                  : type_dispatcher_call(ti, &call, callee, types))
        return -1;
    CallInfo *ci = ti->calls[in->id];
    if (ci) ci->receiver = true;
    for (int i = 0; ci && i < ci->nparams; i++) {
        if (ci->argmap[i] < 1) continue;
        int v = all[ci->argmap[i]], at = 0;
        while (at < in->nargs && in->args[at] != v) at++;
        ci->argmap[i] = at;   /* the same value, where `in` holds it */
    }
    return 0;
}

int ti_type_receiver_call(TypeInfo *ti, Instr *in, PyObject *d, int recv_id, const Type *recv, const int *arg_ids,
                          const Type **args, int nargs, int nkw) {
    return receiver_call(ti, in, ty_object(TY_DISPATCHER, d, 0), recv_id, recv, arg_ids, args, nargs, nkw);
}

/* a.round(d), a.take(i), a.argpartition(k): NumPy's function of that name (ember/_nplib.py), with
 * the array first. Typed as the call np.f(a, ...) whose first argument is the method value, which
 * lowers to the array (call_args in codegen/lower.c reads a method's receiver). */
static int type_hooked_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs, PyObject *impl) {
    if (!impl) {
        PyObject *np = PyImport_ImportModule("numpy");
        PyObject *f = np ? PyObject_GetAttrString(np, m->attr) : NULL;
        impl = f && ti->host->kernel_of ? ti->host->kernel_of(f) : NULL;
        Py_XDECREF(f);
        Py_XDECREF(np);
        PyErr_Clear();
    }
    if (!impl || nargs > 255) return UNSUP(in, "%s has no supported method '%s'", m->recv->name, m->attr);
    return receiver_call(ti, in, ty_object(TY_HOOKED, impl, 0), in->args[0], m->recv, in->args + 1, args, nargs, in->nkw);
}


/* a.ravel(order=...), a.flatten('F'), a.copy(order=), a.reshape(s, order=), a.astype(t, copy=):
 * the forms with an order (or astype's copy=) are ember/_npfuncs.py's ORDER_FORMS, borrowed
 * (kept by the compile); NULL for the forms typed in numpy.c. */
static PyObject *order_form(TypeInfo *ti, Instr *in, const char *attr, int nargs) {
    static const struct { const char *name; int order_pos; } forms[] = {
        {"ravel", 0}, {"flatten", 0}, {"copy", 0}, {"reshape", -1}, {"astype", 1}};
    int npos = nargs - in->nkw, which = -1;
    for (int i = 0; i < (int)(sizeof forms / sizeof forms[0]); i++)
        if (!strcmp(attr, forms[i].name)) which = i;
    if (which < 0) return NULL;
    bool given = forms[which].order_pos >= 0 && npos > forms[which].order_pos;   /* a.ravel('F') */
    given = given || ti_kw_index(in, "order") >= 0 || (which == 4 && ti_kw_index(in, "copy") >= 0);
    return given ? ti_python_form(ti, "ember._npfuncs", "ORDER_FORMS", attr) : NULL;
}

/* a.tolist(), and a.sort() and a.argsort() of a complex array: array methods implemented in
 * ember/_npfuncs.py (METHOD_FORMS); NULL for others */
static PyObject *method_form(TypeInfo *ti, const Type *m) {
    bool ours = !strcmp(m->attr, "tolist") ||
                ((!strcmp(m->attr, "sort") || !strcmp(m->attr, "argsort")) && ty_dtypes[m->recv->dtype].kind == 'c');
    return ours ? ti_python_form(ti, "ember._npfuncs", "METHOD_FORMS", m->attr) : NULL;
}

static bool hooked_method(const char *attr) {
    static const char *const names[] = {"round", "take", "argpartition", NULL};   /* (a.partition sorts in place) */
    for (int i = 0; names[i]; i++)
        if (!strcmp(attr, names[i])) return true;
    return false;
}

int ti_type_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs, bool *changed) {
    for (int i = 0; i < nargs && callee->kind != TY_FUNCSET; i++)
        if (args[i]->kind == TY_FUNCSET) return 0;   /* passed on once a call here decides its signature (funcs.c) */
    switch (callee->kind) {
    case TY_FUNCTION:
        if (callee->builtin == BI_NEW_INSTANCE) return ti_type_new_instance(ti, in, args, nargs);
        if (nargs == 1 && args[0]->kind == TY_CLASS) {   /* len(obj) & co: its class's method */
            int rc = ti_class_builtin(ti, in, callee->builtin, args, nargs);
            if (rc <= 0) return rc;
        }
        if ((callee->builtin == BI_MIN || callee->builtin == BI_MAX) && nargs == 1 && args[0] == ty_str) {
            PyObject *py = ti_python_form(ti, "ember._pylib", "STR_FORMS", ti_builtins[callee->builtin].name);
            if (py) return type_hooked_call(ti, in, ty_object(TY_HOOKED, py, 0), args, nargs);   /* max(s): a character */
        }
        if (ti_is_container_builtin(callee->builtin, args, nargs, in->nkw))
            return ti_type_container_builtin(ti, in, callee->builtin, args, nargs);
        if (ti_is_numpy_builtin(callee->builtin)) {
            PyObject *py = ti_nplib_python_form(ti, in, callee->builtin, args, nargs);
            if (py) return type_hooked_call(ti, in, ty_object(TY_HOOKED, py, 0), args, nargs);   /* np.median(a, axis=(0, 1)) */
            return ti_type_numpy_call(ti, in, callee->builtin, args, nargs, false);
        }
        return type_builtin_call(ti, in, callee->builtin, args, nargs);
    case TY_DTYPE:
        return ti_type_dtype_call(ti, in, callee, args, nargs);
    case TY_DISPATCHER:
        return type_dispatcher_call(ti, in, callee, args);
    case TY_INNERFUNC:
        return type_inner_call(ti, in, callee, args);
    case TY_FUNCPTR: case TY_FUNCSET:   /* a function chosen at run time (funcs.c) */
        return ti_type_function_call(ti, in, callee, args, nargs, changed);
    case TY_CFUNC:
        return ti_type_cfunc_call(ti, in, callee, args, nargs);
    case TY_HOOKED:
        return type_hooked_call(ti, in, callee, args, nargs);
    case TY_NTCLASS:
        return ti_type_namedtuple_new(ti, in, callee, args, nargs);
    case TY_EXCCLASS: {   /* E(args): numbers, None, constant strings and tuples of them */
        if (in->nkw) return UNSUP(in, "keyword arguments to exceptions are not supported");
        char desc[128] = "";
        int words = 0;
        for (int i = 0; i < nargs; i++) {
            int w = ty_value_layout(args[i], desc, sizeof desc, false);
            if (w < 0)
                return UNSUP(ti->fn->instrs[in->args[i + 1]], "an exception's arguments may be numbers, None, "
                             "strings and tuples of them (got %s)", args[i]->name);
            words += w;
        }
        if (words > TY_EXC_WORDS)
            return UNSUP(in, "an exception's arguments hold at most %d numbers here (got %d)", TY_EXC_WORDS, words);
        CallInfo *ci = new_call(ti, in, CALL_EXC, nargs);
        if (!ci) return -1;
        for (int i = 0; i < nargs; i++) ci->params[i] = args[i];
        ci->ret = ty_exc(callee->obj, nargs, args);
        return ci->ret ? 0 : -1;
    }
    case TY_METHOD: {
        int extended = extending_method_call(ti, in, callee, args, nargs);
        if (extended <= 0) return extended;
        if (callee->recv->kind == TY_CLASS) return ti_class_method_call(ti, in, callee, args, nargs);
        if (callee->recv->kind == TY_ARRAY && hooked_method(callee->attr)) return type_hooked_method(ti, in, callee, args, nargs, NULL);
        PyObject *ordered = callee->recv->kind == TY_ARRAY ? order_form(ti, in, callee->attr, nargs) : NULL;
        if (!ordered && callee->recv->kind == TY_ARRAY) ordered = method_form(ti, callee);
        if (ordered) return type_hooked_method(ti, in, callee, args, nargs, ordered);
        if (callee->recv->kind == TY_ARRAY || callee->recv->kind == TY_RECARRAY)   /* (a structured array's: copy) */
            return ti_type_array_method(ti, in, callee, args, nargs);
        PyObject *drawn = callee->recv->kind == TY_RNG ? ti_rng_python_form(ti, callee, args, nargs) : NULL;
        if (drawn) return type_hooked_method(ti, in, callee, args, nargs, drawn);   /* rng.normal(mu_array) */
        if (callee->recv->kind == TY_RNG) return ti_type_rng_method(ti, in, callee, args, nargs);
        if (callee->recv->kind == TY_FUNCTION && (callee->recv->builtin == BI_TYPED_LIST || callee->recv->builtin == BI_TYPED_DICT))
            return ti_type_typed_call(ti, in, callee->recv->builtin, callee->attr, args, nargs);
        if (callee->recv->kind == TY_FUNCTION) return ti_type_ufunc_method(ti, in, callee, args, nargs);
        if (callee->recv->kind == TY_LIST) return ti_type_list_method(ti, in, callee, args, nargs, changed);
        if (callee->recv->kind == TY_DICT) return ti_type_dict_method(ti, in, callee, args, nargs, changed);
        if (callee->recv->kind == TY_SET) return ti_type_set_method(ti, in, callee, args, nargs, changed);
        if (callee->recv == ty_str) return ti_type_str_method(ti, in, callee, args, nargs);
        if (nargs) return ERR(in, "%s() takes no arguments", callee->attr);
        CallInfo *ci = new_call(ti, in, CALL_BUILTIN, 0);
        if (!ci) return -1;
        if (!strcmp(callee->attr, "conjugate")) {
            ci->builtin = METHOD_CONJUGATE;
            ci->ret = callee->recv == ty_bool ? ty_int64 : callee->recv;
        } else if (!strcmp(callee->attr, "item")) {   /* x.item() of a NumPy scalar: the Python scalar */
            ci->builtin = METHOD_ITEM;
            ci->ret = callee->recv;
        } else {
            ci->builtin = METHOD_IS_INTEGER;
            ci->ret = ty_bool;
        }
        return 0;
    }
    default:
        return ERR(in, "%s is not callable", callee->name);
    }
}
