/* error.c: the error record and the Python-semantics helpers that generated code calls.
 *
 * Compiled code never aborts (DESIGN.md contract 3): it calls ember_rt_raise(exception, message)
 * (or ember_rt_raise_value) and returns -1 up its callers; the Dispatcher then calls
 * rt_error_to_python. The record is thread-local, so threads running compiled code never see
 * each other's errors. The exception is named "module:qualname" (with its bases when generated
 * code raises it), its message and the layout of its args are constant data in the generated
 * code (contract 1: no host addresses), and its args are packed words: the record holds no
 * Python object and no reference, so compiled code raises and catches without the GIL. A `try`
 * in compiled code takes the exception out of the record (ember_rt_exc_fetch) as a value.
 */
#include "rt.h"   /* first: Python.h sets _GNU_SOURCE (pthread_getattr_np) */
#include "linalg.h"
#include "random.h"
#include "sort.h"
#include "stats.h"
#include "lapack.h"
#include "parallel.h"
#include "loader.h"
#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The record: the exception being raised (RtExc, whose layout generated code shares), and the
 * compiled frames it has left so far, innermost first (a traceback entry each in Python). */
#define RT_MAX_FRAMES 16
typedef struct {
    RtExc e;
    int nframes;
    struct { const char *func, *file; int32_t line; } frames[RT_MAX_FRAMES];
    char text[256];   /* print()'s failure, kept for the record's message */
    char name[512];   /* rt_error_take's class name */
} Record;

/* Each thread's record lives on the heap, reached through one pointer: a module whose TLS is
 * read with the initial-exec model (one %fs load: the small-block heap, the random states) has
 * its whole TLS block placed in the static TLS space glibc keeps for modules loaded later, which
 * a few hundred bytes exhaust. With the record, its strings and the binomial cache in TLS (1.5
 * KB), `import sklearn` then `import ember` (or the other order: scikit-learn's libgomp) failed
 * with "cannot allocate memory in static TLS block". Freed when the thread ends; where no memory
 * is left, a shared record (correct for one thread at a time) serves. */
static _Thread_local Record *record_p __attribute__((tls_model("initial-exec")));
static Record shared_record;
static pthread_key_t record_key;
static pthread_once_t record_once = PTHREAD_ONCE_INIT;

void *rt_thread_block(void *key, void *once, void (*make_key)(void), size_t size) {
    void *p = calloc(1, size);
    (void)pthread_once((pthread_once_t *)once, make_key);
    if (p && pthread_setspecific(*(pthread_key_t *)key, p)) {
        free(p);
        p = NULL;
    }
    return p;
}

static void record_key_make(void) { (void)pthread_key_create(&record_key, free); }

static Record *record_new(void) {
    Record *r = rt_thread_block(&record_key, &record_once, record_key_make, sizeof *r);
    return record_p = r ? r : &shared_record;
}

static inline Record *record_here(void) {
    Record *r = record_p;
    return r ? r : record_new();
}
#define record (*record_here())

static void clear_core(RtExcCore *c) { memset(c, 0, sizeof *c); }

/* ---- references in exceptions ---------------------------------------------------------------
 * A string in an exception's args is a reference the exception owns: the record owns what a
 * raise put there, a handler's caught value (EXCFETCH) takes those over, a variable holding it
 * owns another (codegen counts RtExc values as it counts strings: ember_rt_exc_retain/release),
 * and converting the record to Python drops them. Only 's' words are references, and a desc
 * with any starts with '$' (generated code tests that one byte before calling here). */
static void each_string(const RtExcCore *c, int delta) {
    if (!c->desc || c->desc[0] != '$') return;
    int k = 0;
    for (const char *d = c->desc + 1; *d && k < TY_EXC_WORDS; d++) {
        switch (*d) {
        case 's': {
            RtStr *s = (RtStr *)(uintptr_t)c->args[k++];
            if (delta > 0) __atomic_fetch_add(&s->refcnt, 1, __ATOMIC_RELAXED);
            else rt_block_decref((RtBlock *)s);
            break;
        }
        case 'P': rt_exc_object_ref((PyObject *)(uintptr_t)c->args[k++], delta); break;   /* objmode.c */
        case 'D': k += 2; break;
        case 'q': case 'Q': case 'd': case '?': k++; break;
        default: break;   /* N ( ): no word */
        }
    }
}

void ember_rt_exc_core_retain(RtExcCore *c) { each_string(c, 1); }
void ember_rt_exc_core_release(RtExcCore *c) { each_string(c, -1); }

void ember_rt_exc_retain(RtExc *e) {
    each_string(&e->e, 1);
    if (e->cause_kind == 2) each_string(&e->cause, 1);
}

void ember_rt_exc_release(RtExc *e) {
    each_string(&e->e, -1);
    if (e->cause_kind == 2) each_string(&e->cause, -1);
}

void ember_rt_raise(const char *exc, const char *msg) {
    ember_rt_exc_release(&record.e);
    clear_core(&record.e.cause);
    record.e.cause_kind = 0;
    record.e.e.cls = exc;
    record.e.e.msg = msg;
    record.e.e.desc = NULL;
    record.nframes = 0;
}

/* raise cls(msg) with a run-time message: the record takes over the reference to msg. */
void rt_raise_str(const char *cls, RtStr *msg) {
    ember_rt_raise(cls, NULL);
    if (!msg) return;
    record.e.e.desc = "$s";
    record.e.e.args[0] = (uint64_t)(uintptr_t)msg;
}

/* NumPy's ValueError for a reshape that does not fit: "cannot reshape array of size 8 into shape
 * (3,3)", -1 shown as newaxis, as NumPy shows it. */
void ember_rt_raise_reshape(int64_t size, const int64_t *shape, int64_t nd) {
    int unknown = 0;
    for (int64_t k = 0; k < nd; k++) unknown += shape[k] == -1;
    if (unknown > 1) {
        ember_rt_raise("builtins:ValueError", "can only specify one unknown dimension");
        return;
    }
    char buf[512];
    int at = snprintf(buf, sizeof buf, "cannot reshape array of size %lld into shape (", (long long)size);
    for (int64_t k = 0; k < nd && at < (int)sizeof buf - 40; k++) {
        if (shape[k] == -1) at += snprintf(buf + at, sizeof buf - (size_t)at, "%snewaxis", k ? "," : "");
        else at += snprintf(buf + at, sizeof buf - (size_t)at, "%s%lld", k ? "," : "", (long long)shape[k]);
    }
    at += snprintf(buf + at, sizeof buf - (size_t)at, nd == 1 ? ",)" : ")");
    rt_raise_str("builtins:ValueError", rt_str_from_kind(1, buf, at));
}

/* IndexError in NumPy's words: "index 10 is out of bounds for axis 0 with size 5" (axis < 0: a
 * flat position, "... for size 5"). */
void ember_rt_raise_index(int64_t i, int64_t axis, int64_t n) {
    char buf[160];
    int at = axis >= 0 ? snprintf(buf, sizeof buf, "index %lld is out of bounds for axis %lld with size %lld", (long long)i,
                                  (long long)axis, (long long)n)
                       : snprintf(buf, sizeof buf, "index %lld is out of bounds for size %lld", (long long)i, (long long)n);
    rt_raise_str("builtins:IndexError", rt_str_from_kind(1, buf, at));
}

/* raise with values, re-raise (bare `raise`, `raise e`), raise ... from ...: e is a whole value. */
void ember_rt_raise_value(const RtExc *e) {
    if (!e->e.cls) {
        ember_rt_raise("builtins:RuntimeError", "No active exception to reraise");
        return;
    }
    ember_rt_exc_release(&record.e);
    record.e = *e;
    record.nframes = 0;
}

/* The record's exception, where compiled code that is not handed a caller's slot raises (the
 * same pointer on every call in a thread: generated code marks the call pure). */
RtExc *ember_rt_record(void) { return &record.e; }

/* A handler takes the exception: the record is empty again (the handler may raise anew). Also
 * moves an exception the C runtime raised into a caller's slot (lower_exc.c). */
void ember_rt_exc_fetch(RtExc *out) {
    *out = record.e;
    memset(&record.e, 0, sizeof record.e);
    record.nframes = 0;
}

/* ---- caught exceptions held by pointer ----------------------------------------------------
 * Where a frame counts its caught exceptions' strings (codegen/lower_exc.c, L->exc_refs), a caught
 * exception is a counted block whose data is its RtExc: copying it between the handler's
 * variables is one pointer and one count, and the last reference drops the strings. */
typedef struct { int64_t refcnt, size; void *alloc; RtExc e; } ExcBox;   /* RtBlock's header, then the value */
_Static_assert(offsetof(ExcBox, e) == TY_BLOCK_HEADER, "an exception's value follows the block header");

/* A new block holding e (its references now the block's). Never NULL: out of memory, a block
 * that is never freed takes the value (shared by threads that run out at once), and its strings
 * are never dropped. */
static ExcBox *new_box(void) {
    static ExcBox spare = {(int64_t)1 << 62, 0, NULL, {{0}, {0}, 0}};
    ExcBox *box = (ExcBox *)rt_block_alloc_small_quiet((int64_t)sizeof(RtExc));
    return box ? box : &spare;
}

RtBlock *ember_rt_exc_box(const RtExc *e) {
    ExcBox *box = new_box();
    box->e = *e;
    return (RtBlock *)box;
}

/* A handler takes the record's exception as a block; the record is clear. */
RtBlock *ember_rt_exc_fetch_box(void) {
    ExcBox *box = new_box();
    ember_rt_exc_fetch(&box->e);
    return (RtBlock *)box;
}

/* The last reference to a caught exception went: its strings, then its block. */
void ember_rt_exc_free(RtBlock *b) {
    ember_rt_exc_release(&((ExcBox *)b)->e);
    ember_rt_block_free(b);
}

/* raise (bare) or `raise e` of a caught exception held by pointer: the record takes references
 * of its own; NULL (no exception) raises RuntimeError. */
void ember_rt_exc_raise_box(RtBlock *b) {
    if (!b) {
        ember_rt_raise("builtins:RuntimeError", "No active exception to reraise");
        return;
    }
    ember_rt_exc_retain(&((ExcBox *)b)->e);
    ember_rt_raise_value(&((ExcBox *)b)->e);
}

/* A failing compiled frame records where it was left (lower.c: once per function). */
void ember_rt_traceback(const char *func, const char *file, int32_t line) {
    if (record.nframes == RT_MAX_FRAMES) return;
    record.frames[record.nframes].func = func;
    record.frames[record.nframes].file = file;
    record.frames[record.nframes].line = line;
    record.nframes++;
}

/* ---- matching ---------------------------------------------------------------------------
 * Generated code names a class with its bases, "module:qualname|base|...|builtins:BaseException"
 * (lower.c, cg_exc_class), so a handler's class matches when it is one of the names. The C
 * runtime raises builtin classes by their name alone; their bases come from this table. */
static const char *const builtin_bases[][2] = {
    {"builtins:ZeroDivisionError", "builtins:ArithmeticError"},
    {"builtins:OverflowError", "builtins:ArithmeticError"},
    {"builtins:FloatingPointError", "builtins:ArithmeticError"},
    {"builtins:IndexError", "builtins:LookupError"},
    {"builtins:KeyError", "builtins:LookupError"},
    {"builtins:RecursionError", "builtins:RuntimeError"},
    {"builtins:NotImplementedError", "builtins:RuntimeError"},
    {"builtins:UnboundLocalError", "builtins:NameError"},
    {"numpy.linalg:LinAlgError", "builtins:ValueError"},
    {"numpy.exceptions:AxisError", "builtins:ValueError"},   /* and IndexError: see below */
};

static bool name_is(const char *s, size_t n, const char *name) { return strlen(name) == n && !memcmp(s, name, n); }

/* Does a class written as `cls` (either form) have `name` among itself and its bases? */
bool rt_exc_is(const char *cls, const char *name) {
    if (!cls) return false;
    if (strchr(cls, '|')) {
        for (const char *p = cls;;) {
            const char *bar = strchr(p, '|');
            size_t n = bar ? (size_t)(bar - p) : strlen(p);
            if (name_is(p, n, name)) return true;
            if (!bar) return false;
            p = bar + 1;
        }
    }
    for (const char *c = cls; c;) {
        if (!strcmp(c, name)) return true;
        if (!strcmp(c, "numpy.exceptions:AxisError") && rt_exc_is("builtins:IndexError", name)) return true;
        const char *base = NULL;
        for (size_t k = 0; k < sizeof builtin_bases / sizeof builtin_bases[0]; k++)
            if (!strcmp(builtin_bases[k][0], c)) base = builtin_bases[k][1];
        c = base ? base : strcmp(c, "builtins:Exception") && strcmp(c, "builtins:BaseException") ? "builtins:Exception"
                        : !strcmp(c, "builtins:Exception") ? "builtins:BaseException" : NULL;
    }
    return false;
}

int32_t ember_rt_exc_match(const char *cls, const char *name) { return rt_exc_is(cls, name); }

/* ---- to Python ---------------------------------------------------------------------------- */

/* The first name of a class written either way, into buf. */
static const char *class_name(const char *cls, char *buf, size_t len) {
    const char *bar = strchr(cls, '|');
    size_t n = bar ? (size_t)(bar - cls) : strlen(cls);
    if (n >= len) n = len - 1;
    memcpy(buf, cls, n);
    buf[n] = 0;
    return buf;
}

/* The classes compiles have named, by "module:qualname" (weak references, under the GIL): a class
 * that import cannot reach (made by exec, in a function, in a pickled-by-value module) is still
 * found while it lives. Code loaded from the cache in another process finds classes by import. */
static PyObject *seen_classes;

void rt_exc_class_seen(PyObject *cls) {
    PyObject *mod = PyObject_GetAttrString(cls, "__module__"), *qn = PyObject_GetAttrString(cls, "__qualname__");
    PyObject *name = mod && qn ? PyUnicode_FromFormat("%S:%S", mod, qn) : NULL;
    PyObject *ref = name ? PyWeakref_NewRef(cls, NULL) : NULL;
    if (ref && (seen_classes || (seen_classes = PyDict_New()))) PyDict_SetItem(seen_classes, name, ref);
    Py_XDECREF(ref);
    Py_XDECREF(name);
    Py_XDECREF(qn);
    Py_XDECREF(mod);
    PyErr_Clear();   /* only a lookup aid */
}

/* Find the class named "module:qualname". */
static PyObject *resolve_class(const char *cls) {
    char buf[512];
    const char *name = class_name(cls, buf, sizeof buf);
    const char *colon = strchr(name, ':');
    if (!colon) return Py_NewRef(PyExc_RuntimeError);
    PyObject *ref = seen_classes ? PyDict_GetItemString(seen_classes, name) : NULL;
    PyObject *known = ref ? PyWeakref_GetObject(ref) : NULL;
    if (known && known != Py_None) return Py_NewRef(known);
    PyObject *mod = PyUnicode_FromStringAndSize(name, colon - name);
    PyObject *obj = mod ? PyImport_Import(mod) : NULL;
    Py_XDECREF(mod);
    for (const char *p = colon + 1; obj && *p;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        PyObject *attr = PyUnicode_FromStringAndSize(p, (Py_ssize_t)n);
        PyObject *next = attr ? PyObject_GetAttr(obj, attr) : NULL;
        Py_XDECREF(attr);
        Py_DECREF(obj);
        obj = next;
        p += n + (dot != NULL);
    }
    if (!obj || !PyType_Check(obj) || !PyType_IsSubtype((PyTypeObject *)obj, (PyTypeObject *)PyExc_BaseException)) {
        Py_XDECREF(obj);
        PyErr_Clear();
        return NULL;
    }
    return obj;
}

/* The values a desc string describes, read from the packed words (typeinfer/types.c,
 * ty_value_layout): q int64, Q uint64, d float64, ? bool, D complex128 (two words), s a string
 * (an RtStr, str.c), N None, ( ... ) a tuple, A<dtype><ndim> an array (a view that does not own the
 * memory: only for the time of the call that unpacks it). */
static PyObject *unpack_values(const char **desc, const uint64_t *words, int *k, char close) {
    PyObject *items = PyList_New(0);
    while (items && **desc && **desc != close) {
        char c = *(*desc)++;
        PyObject *x = NULL;
        double d, d2;
        switch (c) {
        case 'q': x = PyLong_FromLongLong((long long)words[(*k)++]); break;
        case 'Q': x = PyLong_FromUnsignedLongLong((unsigned long long)words[(*k)++]); break;
        case '?': x = PyBool_FromLong((long)(words[(*k)++] & 1)); break;
        case 'd': memcpy(&d, &words[(*k)++], 8); x = PyFloat_FromDouble(d); break;
        case 'D':
            memcpy(&d, &words[(*k)++], 8);
            memcpy(&d2, &words[(*k)++], 8);
            x = PyComplex_FromDoubles(d, d2);
            break;
        case 's': x = rt_box_str((RtStr *)(uintptr_t)words[(*k)++]); break;
        case 'N': x = Py_NewRef(Py_None); break;
        case '(': x = unpack_values(desc, words, k, ')'); if (**desc == ')') (*desc)++; break;
        case 'L': case 'M': case 'S': case 'K': case 'V': case 'I':   /* a list, dict, set or view: its block, read for the call's time */
            (*desc)--;
            x = rt_value_at(desc, &words[(*k)++]);
            break;
        case 'A':
            if (!(*desc)[0] || !(*desc)[1]) { PyErr_SetString(PyExc_SystemError, "ember: bad array layout"); break; }
            x = rt_array_view((*desc)[0] - 'a', (*desc)[1] - '0', (const void *)(uintptr_t)words[(*k)++]);
            *desc += 2;
            break;
        default: PyErr_Format(PyExc_SystemError, "ember: bad exception layout '%c'", c);
        }
        if (!x || PyList_Append(items, x) < 0) {
            Py_XDECREF(x);
            Py_CLEAR(items);
            break;
        }
        Py_DECREF(x);
    }
    if (!items) return NULL;
    PyObject *t = PyList_AsTuple(items);
    Py_DECREF(items);
    return t;
}

/* A new instance of the class c names, with its args. */
static PyObject *make_instance(const RtExcCore *c) {
    if (c->desc && !strcmp(c->desc, "$P")) return Py_NewRef((PyObject *)(uintptr_t)c->args[0]);   /* the very object (objmode.c) */
    PyObject *cls = resolve_class(c->cls);
    if (!cls) {
        char buf[512];
        return PyErr_Format(PyExc_RuntimeError, "ember: compiled code raised %s, which cannot be found: %s",
                            class_name(c->cls, buf, sizeof buf), c->msg ? c->msg : "");
    }
    int k = 0;
    const char *desc = c->desc && c->desc[0] == '$' ? c->desc + 1 : c->desc;
    PyObject *args = desc ? unpack_values(&desc, c->args, &k, 0)
                   : c->msg ? Py_BuildValue("(s)", c->msg) : PyTuple_New(0);
    PyObject *inst = args ? PyObject_Call(cls, args, NULL) : NULL;
    Py_XDECREF(args);
    Py_DECREF(cls);
    return inst;
}

int rt_error_to_python(void) {
    RtExc e = record.e;
    int nframes = record.nframes;
    typeof(record.frames[0]) frames[RT_MAX_FRAMES];
    memcpy(frames, record.frames, sizeof frames);
    memset(&record.e, 0, sizeof record.e);
    record.nframes = 0;
    if (!e.e.cls) {
        PyErr_SetString(PyExc_SystemError, "ember: compiled code failed without an error record");
        return -1;
    }
    PyObject *inst = make_instance(&e.e);
    PyObject *cause = inst && e.cause_kind == 2 ? make_instance(&e.cause) : NULL;
    ember_rt_exc_release(&e);
    if (!inst) return -1;   /* the class's constructor failed: that error stands */
    if (e.cause_kind) {
        if (e.cause_kind == 2 && !cause) {
            Py_DECREF(inst);
            return -1;
        }
        PyException_SetCause(inst, cause);   /* steals; NULL (from None) suppresses the context */
    }
    PyErr_SetObject((PyObject *)Py_TYPE(inst), inst);
    Py_DECREF(inst);
    for (int i = 0; i < nframes; i++) _PyTraceback_Add(frames[i].func, frames[i].file, frames[i].line);
    return -1;
}

/* A layout (ty_value_layout's letters) as the type names a user reads: "int64, str, (float64, bool)". */
static void layout_names(const char *d, char *buf, size_t len) {
    size_t at = 0;
    buf[0] = 0;
    for (bool first = true; *d && at + 16 < len; d++) {
        const char *name = *d == 'q' ? "int64" : *d == 'Q' ? "uint64" : *d == 'd' ? "float64" : *d == '?' ? "bool"
                         : *d == 's' ? "str" : *d == 'D' ? "complex128" : *d == 'N' ? "None" : *d == '(' ? "("
                         : *d == 'P' ? "a Python object's (objmode)" : ")";
        at += (size_t)snprintf(buf + at, len - at, "%s%s", first || *d == ')' ? "" : ", ", name);
        first = *d == '(';
    }
}

/* e.args of a caught exception, read as the layout `want` (ty_value_layout's letters) that typing
 * chose for the handler: the words go to `out`, each string with a reference of its own. A raise
 * with a constant message has the args (message,). An exception carrying another layout is a
 * TypeError naming both, never a misread word. */
int32_t ember_rt_exc_args(const RtExc *e, const char *want, uint64_t *out) {
    const RtExcCore *c = &e->e;
    const char *have = c->desc ? (c->desc[0] == '$' ? c->desc + 1 : c->desc) : c->msg ? "s" : "";
    if (strcmp(have, want)) {
        char name[128], has[160], wants[160], buf[640];
        class_name(c->cls, name, sizeof name);
        layout_names(have, has, sizeof has);
        layout_names(want, wants, sizeof wants);
        snprintf(buf, sizeof buf, "e.args: the caught %s has args (%s), but this handler reads them as (%s), the types "
                 "of the raises in its try block; catch it where it is raised, or read str(e)",
                 strchr(name, ':') ? strchr(name, ':') + 1 : name, has, wants);
        rt_raise_str("builtins:TypeError", rt_str_from_utf8(buf));
        return -1;
    }
    if (!c->desc && c->msg) {
        RtStr *s = rt_str_from_utf8(c->msg);
        if (!s) return -1;
        out[0] = (uint64_t)(uintptr_t)s;
        return 0;
    }
    memcpy(out, c->args, sizeof c->args);
    each_string(c, 1);
    return 0;
}

/* repr(e) of a caught exception: Python's own repr of the instance it stands for (the class's
 * __repr__, if it has one), made under the GIL. */
RtStr *ember_rt_exc_repr(const RtExc *e) {
    PyGILState_STATE gil = PyGILState_Ensure();
    RtStr *s = NULL;
    PyObject *inst = make_instance(&e->e);
    PyObject *r = inst ? PyObject_Repr(inst) : NULL;
    if (r) s = rt_unbox_str(r);
    if (!s) rt_raise_python_error();   /* what the class's __repr__ raised, as that object */
    Py_XDECREF(r);
    Py_XDECREF(inst);
    PyGILState_Release(gil);
    return s;
}

/* print(*values, sep=sep, end=end, flush=flush) through Python's print, so the text is exactly
 * Python's and goes wherever sys.stdout goes (a notebook, a redirect). Takes the GIL: compiled
 * code may print from a nogil function or a prange thread. */
/* Is s the one-character string c? */
static bool is_char(const RtStr *s, uint32_t c) {
    if (s->len != 1) return false;
    const unsigned char *d = (const unsigned char *)(s + 1);
    return s->kind == 1 ? d[0] == c : s->kind == 2 ? *(const uint16_t *)d == c : *(const uint32_t *)d == c;
}

int32_t ember_rt_print(const char *desc, const uint64_t *words, RtStr *sep, RtStr *end, bool flush) {
    PyGILState_STATE gil = PyGILState_Ensure();
    int k = 0;
    PyObject *values = unpack_values(&desc, words, &k, 0);
    /* builtins.print as it is now (a replaced print is called), with no keywords when they are
     * the defaults: the common print(x, y) builds no dict and boxes no strings */
    PyObject *print = values ? Py_XNewRef(PyDict_GetItemString(PyEval_GetBuiltins(), "print")) : NULL;
    bool plain = !flush && is_char(sep, ' ') && is_char(end, '\n');
    PyObject *kw = !print || plain ? NULL
                 : Py_BuildValue("{s:N,s:N,s:O}", "sep", rt_box_str(sep), "end", rt_box_str(end), "flush",
                                 flush ? Py_True : Py_False);
    if (values && !print) PyErr_SetString(PyExc_RuntimeError, "builtins.print is gone");
    PyObject *r = print && (kw || plain) ? PyObject_Call(print, values, kw) : NULL;
    int32_t status = 0;
    if (!r) {   /* as a compiled error: this thread's record names the class; the text is kept */
        char *text = record.text;
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyObject *s = value ? PyObject_Str(value) : NULL;
        snprintf(text, sizeof record.text, "print() failed: %s: %s", type ? ((PyTypeObject *)type)->tp_name : "?",
                 s && PyUnicode_Check(s) ? PyUnicode_AsUTF8(s) : "");
        PyErr_Clear();
        Py_XDECREF(s);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        ember_rt_raise("builtins:RuntimeError", text);
        status = -1;
    }
    Py_XDECREF(r);
    Py_XDECREF(kw);
    Py_XDECREF(print);
    Py_XDECREF(values);
    PyGILState_Release(gil);
    return status;
}

/* str(x) or repr(x) of a tuple, list, dict, set or array (packed as print packs them): Python's
 * own text of the value, made under the GIL. */
RtStr *ember_rt_show_str(const char *desc, const uint64_t *words, bool repr) {
    PyGILState_STATE gil = PyGILState_Ensure();
    int k = 0;
    PyObject *values = unpack_values(&desc, words, &k, 0);
    PyObject *text = values && PyTuple_GET_SIZE(values) == 1
                         ? (repr ? PyObject_Repr : PyObject_Str)(PyTuple_GET_ITEM(values, 0)) : NULL;
    RtStr *s = text ? rt_unbox_str(text) : NULL;
    if (!s) rt_raise_python_error();
    Py_XDECREF(text);
    Py_XDECREF(values);
    PyGILState_Release(gil);
    return s;
}

void rt_error_save(RtExc *out) {
    *out = record.e;
    memset(&record.e, 0, sizeof record.e);
    record.nframes = 0;
}

void rt_error_take(const char **exc, const char **msg) {
    char *name = record.name;
    *exc = record.e.e.cls ? class_name(record.e.e.cls, name, sizeof record.name) : NULL;
    *msg = record.e.e.msg;
    ember_rt_exc_release(&record.e);
    memset(&record.e, 0, sizeof record.e);
    record.nframes = 0;
}

/* ---- Python semantics -------------------------------------------------------------- */

/* int ** int with wrapping; negative exponents as in Numba (0 unless |a| is 1). */
int32_t ember_rt_ipow(int64_t *out, int64_t a, int64_t b) {
    if (b < 0) {
        if (a == 0) {
            ember_rt_raise("builtins:ZeroDivisionError", "0 cannot be raised to a negative power");
            return -1;
        }
        *out = a == 1 ? 1 : a == -1 ? ((b & 1) ? -1 : 1) : 0;
        return 0;
    }
    uint64_t r = 1, base = (uint64_t)a, e = (uint64_t)b;
    while (e) {
        if (e & 1) r *= base;
        base *= base;
        e >>= 1;
    }
    *out = (int64_t)r;
    return 0;
}

/* pow(a, b, m) of ints as CPython computes it: the result has m's sign; a negative exponent
 * takes the inverse of a modulo m (ValueError where there is none). */
int32_t ember_rt_pow_mod(int64_t *out, int64_t a, int64_t b, int64_t m) {
    if (m == 0) {
        ember_rt_raise("builtins:ValueError", "pow() 3rd argument cannot be 0");
        return -1;
    }
    unsigned __int128 mod = m < 0 ? (unsigned __int128)0 - (__int128)m : (unsigned __int128)m;
    __int128 base = (__int128)a % (__int128)mod;
    if (base < 0) base += mod;
    unsigned __int128 e = b < 0 ? (unsigned __int128)0 - (__int128)b : (unsigned __int128)b;
    if (b < 0) {   /* extended Euclid: base * x == 1 (mod mod) */
        __int128 r0 = (__int128)mod, r1 = base, x0 = 0, x1 = 1;
        while (r1) {
            __int128 q = r0 / r1, t = r0 - q * r1;
            r0 = r1, r1 = t;
            t = x0 - q * x1;
            x0 = x1, x1 = t;
        }
        if (r0 != 1) {
            ember_rt_raise("builtins:ValueError", "base is not invertible for the given modulus");
            return -1;
        }
        base = x0 < 0 ? x0 + (__int128)mod : x0;
    }
    unsigned __int128 r = 1 % mod, p = (unsigned __int128)base;
    for (; e; e >>= 1) {
        if (e & 1) r = r * p % mod;
        p = p * p % mod;
    }
    *out = m < 0 && r ? (int64_t)((__int128)r + m) : (int64_t)r;
    return 0;
}

typedef struct { double re, im; } Cx;

static int cquot(Cx *r, Cx a, Cx b) {   /* CPython's _Py_c_quot */
    double abr = fabs(b.re), abi = fabs(b.im);
    if (abr >= abi) {
        if (abr == 0.0) {
            ember_rt_raise("builtins:ZeroDivisionError", "complex division by zero");
            return -1;
        }
        double ratio = b.im / b.re, denom = b.re + b.im * ratio;
        r->re = (a.re + a.im * ratio) / denom;
        r->im = (a.im - a.re * ratio) / denom;
    } else if (abi >= abr) {
        double ratio = b.re / b.im, denom = b.re * ratio + b.im;
        r->re = (a.re * ratio + a.im) / denom;
        r->im = (a.im * ratio - a.re) / denom;
    } else {
        r->re = r->im = NAN;
    }
    return 0;
}

static Cx cmul(Cx a, Cx b) { return (Cx){a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; }

int32_t ember_rt_cpow(Cx *out, double ar, double ai, double br, double bi) {   /* CPython's complex_pow */
    Cx a = {ar, ai}, b = {br, bi};
    if (bi == 0.0 && br == floor(br) && fabs(br) <= 100.0) {
        long n = (long)br;
        Cx r = {1.0, 0.0}, p = a;
        for (long mask = 1, m = labs(n); mask > 0 && m >= mask; mask <<= 1) {
            if (m & mask) r = cmul(r, p);
            p = cmul(p, p);
        }
        if (n < 0) return cquot(out, (Cx){1.0, 0.0}, r);
        *out = r;
        return 0;
    }
    if (br == 0.0 && bi == 0.0) {
        *out = (Cx){1.0, 0.0};
    } else if (ar == 0.0 && ai == 0.0) {
        if (bi != 0.0 || br < 0.0) {
            ember_rt_raise("builtins:ZeroDivisionError", "0.0 to a negative or complex power");
            return -1;
        }
        *out = (Cx){0.0, 0.0};
    } else {
        double vabs = hypot(a.re, a.im), len = pow(vabs, b.re), at = atan2(a.im, a.re), phase = at * b.re;
        if (b.im != 0.0) {
            len /= exp(at * b.im);
            phase += b.im * log(vabs);
        }
        *out = (Cx){len * cos(phase), len * sin(phase)};
    }
    return 0;
}

/* round(x, ndigits) correctly rounded, as CPython does: glibc's printf rounds the exact binary
 * value half-to-even, so printing to the wanted digits and reading back matches _Py_dg_dtoa. */
double ember_rt_round_ndigits(double x, int64_t ndigits) {
    if (!isfinite(x) || x == 0.0) return x;   /* (0 <= ndigits <= 22 is mostly computed inline: lower_ops.c) */
    if (ndigits > 323) return x;
    if (ndigits < -308) return copysign(0.0, x);
    char buf[800];
    if (ndigits >= 0) {
        snprintf(buf, sizeof buf, "%.*f", (int)ndigits, x);
    } else {
        int e10;
        snprintf(buf, sizeof buf, "%.17e", x);
        e10 = atoi(strchr(buf, 'e') + 1);
        long keep = e10 + (long)ndigits + 1;   /* significant digits left */
        if (keep <= 0) {
            double unit = pow(10.0, (double)-ndigits);
            /* keep == 0: |x| < unit; rounds to unit only above the half-way point */
            double r = keep == 0 && fabs(x) > unit / 2 ? unit : 0.0;
            return copysign(r, x);
        }
        snprintf(buf, sizeof buf, "%.*e", (int)(keep - 1), x);
    }
    double r = strtod(buf, NULL);
    return r == 0.0 ? copysign(0.0, x) : r;
}

/* round(int, ndigits): for ndigits < 0, to a multiple of 10**-ndigits, halves to even. */
int64_t ember_rt_round_int(int64_t x, int64_t ndigits) {
    if (ndigits >= 0) return x;
    if (ndigits < -18) return 0;
    int64_t m = 1;
    for (int64_t i = 0; i < -ndigits; i++) m *= 10;
    int64_t q = x / m, r = x % m;
    if (r < 0) { r += m; q -= 1; }
    if (r > m - r || (r == m - r && (q & 1))) q += 1;
    return (int64_t)((uint64_t)q * (uint64_t)m);
}

int32_t ember_rt_factorial(int64_t *out, int64_t n) {
    if (n < 0) {
        ember_rt_raise("builtins:ValueError", "factorial() not defined for negative values");
        return -1;
    }
    if (n > 20) {
        ember_rt_raise("builtins:OverflowError", "factorial() result does not fit in int64");
        return -1;
    }
    int64_t r = 1;
    for (int64_t i = 2; i <= n; i++) r *= i;
    *out = r;
    return 0;
}

/* int(x) failed for a float x: NaN, an infinity or outside int64 (compiled code tests). */
void ember_rt_raise_float_to_int(double x) {
    if (isnan(x)) ember_rt_raise("builtins:ValueError", "cannot convert float NaN to integer");
    else if (isinf(x)) ember_rt_raise("builtins:OverflowError", "cannot convert float infinity to integer");
    else ember_rt_raise("builtins:OverflowError", "float too large to convert to int64");
}

double ember_rt_ulp(double x) {
    if (isnan(x)) return x;
    x = fabs(x);
    if (isinf(x)) return x;
    double x2 = nextafter(x, INFINITY);
    if (isinf(x2)) {
        x2 = nextafter(x, -INFINITY);
        return x - x2;
    }
    return x2 - x;
}

/* The lowest frame address a recursive compiled function may use on this thread (lower.c's
 * recursion guard compares its frame with it on every call): the stack's low end plus a margin
 * that leaves room for the runtime helpers and libraries the deepest frame may still call (BLAS,
 * LAPACK, sort) and for raising. Found once per thread. Where the stack cannot be described
 * (no attributes, or an unlimited main-thread stack), recursion may use 4 MiB below this frame. */
int64_t ember_rt_stack_limit(void) {
    static _Thread_local uintptr_t limit __attribute__((tls_model("initial-exec")));   /* one %fs load */
    if (limit) return (int64_t)limit;
    uintptr_t here = (uintptr_t)__builtin_frame_address(0), lo = 0;
    size_t size = 0;
    pthread_attr_t a;
    if (pthread_getattr_np(pthread_self(), &a) == 0) {
        void *addr = NULL;
        if (pthread_attr_getstack(&a, &addr, &size) == 0) lo = (uintptr_t)addr;
        pthread_attr_destroy(&a);
    }
    size_t margin = size / 8 < EMBER_RT_STACK_MARGIN_MIN ? EMBER_RT_STACK_MARGIN_MIN : size / 8 > ((size_t)1 << 20) ? (size_t)1 << 20 : size / 8;
    if (lo && size <= ((size_t)1 << 30) && here > lo + margin) limit = lo + margin;
    else limit = here > ((uintptr_t)4 << 20) ? here - ((uintptr_t)4 << 20) : 1;
    return (int64_t)limit;
}

/* What the loader (loader.c) resolves generated code's runtime references to (contract 1: by name). */
/* cmath.c: complex ufuncs, each (out, re, im) */
#define CMATH_FUNCS(X) X(sin) X(cos) X(tan) X(sinh) X(cosh) X(tanh) X(arcsin) X(arccos) X(arctan) \
    X(arcsinh) X(arccosh) X(arctanh) X(log2) X(log10) X(log1p) X(exp2) X(expm1) X(sign) X(rint)
#define CMATH_DECL(f) void ember_rt_c_##f(Cx *out, double re, double im);
CMATH_FUNCS(CMATH_DECL)
#undef CMATH_DECL
void ember_rt_c_power(Cx *out, double ar, double ai, double br, double bi);
#define CMATH32_FUNCS(X) X(log) X(sqrt) X(sin) X(cos) X(tan) X(sinh) X(cosh) X(tanh) X(arcsin) X(arccos) \
    X(arctan) X(arcsinh) X(arccosh) X(arctanh) X(log2) X(log10) X(exp2) X(log1p) X(expm1)
#define CMATH32_DECL(f) void ember_rt_c32_##f(Cx *out, double re, double im);
CMATH32_FUNCS(CMATH32_DECL)
#undef CMATH32_DECL

const RtSymbol rt_symbols[] = {
    {"ember_rt_raise", (void *)ember_rt_raise},
    {"ember_rt_raise_value", (void *)ember_rt_raise_value},
    {"ember_rt_raise_reshape", (void *)ember_rt_raise_reshape},
    {"ember_rt_raise_index", (void *)ember_rt_raise_index},
    {"ember_rt_exc_fetch", (void *)ember_rt_exc_fetch},
    {"ember_rt_record", (void *)ember_rt_record},
    {"ember_rt_exc_fetch_box", (void *)ember_rt_exc_fetch_box},
    {"ember_rt_exc_box", (void *)ember_rt_exc_box},
    {"ember_rt_exc_free", (void *)ember_rt_exc_free},
    {"ember_rt_exc_raise_box", (void *)ember_rt_exc_raise_box},
    {"ember_rt_exc_match", (void *)ember_rt_exc_match},
    {"ember_rt_traceback", (void *)ember_rt_traceback},
    {"ember_rt_print", (void *)ember_rt_print},
    {"ember_rt_show_str", (void *)ember_rt_show_str},
    {"ember_rt_thread_id", (void *)ember_rt_thread_id},
    {"ember_rt_num_threads", (void *)ember_rt_num_threads},
    {"ember_rt_set_num_threads", (void *)ember_rt_set_num_threads},
    {"ember_rt_rng_integers", (void *)ember_rt_rng_integers},
    {"ember_rt_rng_resume", (void *)ember_rt_rng_resume},
    {"ember_rt_zig", (void *)ember_rt_zig},
    {"ember_rt_rdist_check", (void *)ember_rt_rdist_check},
    {"ember_rt_rdist_fill", (void *)ember_rt_rdist_fill},
    {"ember_rt_rdist_fill_bcast", (void *)ember_rt_rdist_fill_bcast},
    {"ember_rt_rdist_shuffle", (void *)ember_rt_rdist_shuffle},
    {"ember_rt_rdist_permutation", (void *)ember_rt_rdist_permutation},
    {"ember_rt_rdist_choice_check", (void *)ember_rt_rdist_choice_check},
    {"ember_rt_rdist_choice", (void *)ember_rt_rdist_choice},
    {"ember_rt_rdist_dirichlet_check", (void *)ember_rt_rdist_dirichlet_check},
    {"ember_rt_rdist_dirichlet", (void *)ember_rt_rdist_dirichlet},
    {"ember_rt_rdist_multinomial_check", (void *)ember_rt_rdist_multinomial_check},
    {"ember_rt_rdist_multinomial", (void *)ember_rt_rdist_multinomial},
    {"ember_rt_raise_in_python", (void *)ember_rt_raise_in_python},
    {"ember_rt_cfunc_failed", (void *)ember_rt_cfunc_failed},
    {"ember_rt_objmode", (void *)ember_rt_objmode},
    {"ember_rt_exc_retain", (void *)ember_rt_exc_retain},
    {"ember_rt_exc_args", (void *)ember_rt_exc_args},
    {"ember_rt_exc_repr", (void *)ember_rt_exc_repr},
    {"ember_rt_exc_release", (void *)ember_rt_exc_release},
    {"ember_rt_exc_core_retain", (void *)ember_rt_exc_core_retain},
    {"ember_rt_exc_core_release", (void *)ember_rt_exc_core_release},
    {"ember_rt_parallel_for", (void *)ember_rt_parallel_for},
    {"ember_rt_ipow", (void *)ember_rt_ipow},
    {"ember_rt_pow_mod", (void *)ember_rt_pow_mod},
    {"ember_rt_cpow", (void *)ember_rt_cpow},
    {"ember_rt_round_ndigits", (void *)ember_rt_round_ndigits},
    {"ember_rt_round_int", (void *)ember_rt_round_int},
    {"ember_rt_factorial", (void *)ember_rt_factorial},
    {"ember_rt_ulp", (void *)ember_rt_ulp},
#define CMATH_SYMBOL(f) {"ember_rt_c_" #f, (void *)ember_rt_c_##f},
    CMATH_FUNCS(CMATH_SYMBOL)
#undef CMATH_SYMBOL
    {"ember_rt_c_power", (void *)ember_rt_c_power},
#define CMATH32_SYMBOL(f) {"ember_rt_c32_" #f, (void *)ember_rt_c32_##f},
    CMATH32_FUNCS(CMATH32_SYMBOL)
#undef CMATH32_SYMBOL
    {"ember_rt_raise_float_to_int", (void *)ember_rt_raise_float_to_int},
    {"ember_rt_stack_limit", (void *)ember_rt_stack_limit},
    {"ember_rt_block_alloc", (void *)ember_rt_block_alloc},
    {"ember_rt_block_alloc_small", (void *)ember_rt_block_alloc_small},
    {"ember_rt_instance_alloc", (void *)ember_rt_instance_alloc},
    {"ember_rt_block_data", (void *)ember_rt_block_data},
    {"ember_rt_block_free", (void *)ember_rt_block_free},
    {"ember_rt_list_new", (void *)ember_rt_list_new},
    {"ember_rt_list_grow", (void *)ember_rt_list_grow},
    {"ember_rt_list_free", (void *)ember_rt_list_free},
    {"ember_rt_array_hold", (void *)ember_rt_array_hold},
    {"ember_rt_list_sort", (void *)ember_rt_list_sort},
    {"ember_rt_list_sort_f8", (void *)ember_rt_list_sort_f8},
    {"ember_rt_dict_new", (void *)ember_rt_dict_new},
    {"ember_rt_dict_free", (void *)ember_rt_dict_free},
    {"ember_rt_dict_lookup", (void *)ember_rt_dict_lookup},
    {"ember_rt_dict_slot", (void *)ember_rt_dict_slot},
    {"ember_rt_dict_remove", (void *)ember_rt_dict_remove},
    {"ember_rt_dict_next", (void *)ember_rt_dict_next},
    {"ember_rt_dict_clear", (void *)ember_rt_dict_clear},
    {"ember_rt_set_new", (void *)ember_rt_set_new},
    {"ember_rt_set_next", (void *)ember_rt_set_next},
    {"ember_rt_set_pop", (void *)ember_rt_set_pop},
    {"ember_rt_set_grow", (void *)ember_rt_set_grow},
    {"ember_rt_set_reserve", (void *)ember_rt_set_reserve},
    {"ember_rt_set_op", (void *)ember_rt_set_op},
    {"ember_rt_set_update", (void *)ember_rt_set_update},
    {"ember_rt_set_test", (void *)ember_rt_set_test},
#define SORT_SYMBOLS(s)                                                               \
    {"ember_rt_sort_" #s, (void *)ember_rt_sort_##s},                                 \
    {"ember_rt_argsort_" #s, (void *)ember_rt_argsort_##s},
    SORT_SYMBOLS(b1) SORT_SYMBOLS(i1) SORT_SYMBOLS(i2) SORT_SYMBOLS(i4) SORT_SYMBOLS(i8)
    SORT_SYMBOLS(u1) SORT_SYMBOLS(u2) SORT_SYMBOLS(u4) SORT_SYMBOLS(u8) SORT_SYMBOLS(f4) SORT_SYMBOLS(f8)
#undef SORT_SYMBOLS
    {"ember_rt_quantile_f8", (void *)ember_rt_quantile_f8},
    {"ember_rt_median_f8", (void *)ember_rt_median_f8},
    {"ember_rt_pairwise_f8", (void *)ember_rt_pairwise_f8},
    {"ember_rt_pairwise_f4", (void *)ember_rt_pairwise_f4},
    {"ember_rt_quantile_own_f8", (void *)ember_rt_quantile_own_f8},
    {"ember_rt_median_own_f8", (void *)ember_rt_median_own_f8},
    {"ember_rt_dot_f8", (void *)ember_rt_dot_f8, RT_NEEDS_BLAS},
    {"ember_rt_gemv_f8", (void *)ember_rt_gemv_f8, RT_NEEDS_BLAS},
    {"ember_rt_gemm_f8", (void *)ember_rt_gemm_f8, RT_NEEDS_BLAS},
    {"ember_rt_dot_gemm_f8", (void *)ember_rt_dot_gemm_f8, RT_NEEDS_BLAS},
    {"ember_rt_solve_f8", (void *)ember_rt_solve_f8, RT_NEEDS_BLAS},
    {"ember_rt_inv_f8", (void *)ember_rt_inv_f8, RT_NEEDS_BLAS},
    {"ember_rt_det_f8", (void *)ember_rt_det_f8, RT_NEEDS_BLAS},
    {"ember_rt_gemm", (void *)ember_rt_gemm, RT_NEEDS_BLAS},
    {"ember_rt_dot", (void *)ember_rt_dot, RT_NEEDS_BLAS},
    {"ember_rt_vdot", (void *)ember_rt_vdot, RT_NEEDS_BLAS},
    {"ember_rt_la_solve", (void *)ember_rt_la_solve, RT_NEEDS_BLAS},
    {"ember_rt_la_slogdet", (void *)ember_rt_la_slogdet, RT_NEEDS_BLAS},
    {"ember_rt_la_cholesky", (void *)ember_rt_la_cholesky, RT_NEEDS_BLAS},
    {"ember_rt_la_eigh", (void *)ember_rt_la_eigh, RT_NEEDS_BLAS},
    {"ember_rt_la_svd", (void *)ember_rt_la_svd, RT_NEEDS_BLAS},
    {"ember_rt_la_qr", (void *)ember_rt_la_qr, RT_NEEDS_BLAS},
    {"ember_rt_la_pinv", (void *)ember_rt_la_pinv, RT_NEEDS_BLAS},
    {"ember_rt_la_rank", (void *)ember_rt_la_rank, RT_NEEDS_BLAS},
    {"ember_rt_la_eig", (void *)ember_rt_la_eig, RT_NEEDS_BLAS},
    {"ember_rt_la_lstsq", (void *)ember_rt_la_lstsq, RT_NEEDS_BLAS},
    {"ember_rt_histogram_edges", (void *)ember_rt_histogram_edges},
    {"ember_rt_histogram", (void *)ember_rt_histogram},
    {"ember_rt_digitize", (void *)ember_rt_digitize},
    {"ember_rt_interp", (void *)ember_rt_interp},
    {"ember_rt_random_seed", (void *)ember_rt_random_seed},
    {"ember_rt_random_state", (void *)ember_rt_random_state},
    {"ember_rt_random_next_u32", (void *)ember_rt_random_next_u32},
    {"ember_rt_random_gauss", (void *)ember_rt_random_gauss},
    {"ember_rt_random_randint", (void *)ember_rt_random_randint},
    {"ember_rt_random_uniform", (void *)ember_rt_random_uniform},
    {"ember_rt_random_normal", (void *)ember_rt_random_normal},
    {"ember_rt_random_fill_double", (void *)ember_rt_random_fill_double},
    {"ember_rt_random_fill_gauss", (void *)ember_rt_random_fill_gauss},
    {"ember_rt_random_fill_randint", (void *)ember_rt_random_fill_randint},
    {"ember_rt_pyrandom_seed", (void *)ember_rt_pyrandom_seed},
    {"ember_rt_pyrandom_seed_entropy", (void *)ember_rt_pyrandom_seed_entropy},
    {"ember_rt_pyrandom_state", (void *)ember_rt_pyrandom_state},
    {"ember_rt_pyrandom_gauss", (void *)ember_rt_pyrandom_gauss},
    {"ember_rt_pyrandom_getrandbits", (void *)ember_rt_pyrandom_getrandbits},
    {"ember_rt_pyrandom_randrange", (void *)ember_rt_pyrandom_randrange},
    {"ember_rt_pyrandom_randint", (void *)ember_rt_pyrandom_randint},
};
const int rt_nsymbols = sizeof rt_symbols / sizeof rt_symbols[0];
