/* rt.h: ember's runtime, plain C linked into the extension (and later into AOT modules).
 *
 * Sections: callback.c (errors of ufunc loops and cfuncs), error.c (the error record, Python-semantics helpers called by generated code, the
 * symbol table handed to the JIT), box.c (boxing and unboxing by signature).
 */
#ifndef EMBER_RT_H
#define EMBER_RT_H

#include "types.h"

typedef struct RtSymbol {
    const char *name;
    void *addr;
    int needs;   /* RT_NEEDS_* (loader.h): what must be set up before code calling it runs */
} RtSymbol;

/* The entry of a compiled specialisation (DESIGN.md contract 2). */
typedef int32_t (*RtEntry)(void **args, void *result);

/* error.c: generated code reports failures here; the caller turns them into Python errors.
 * An exception as a value (generated code builds and holds the same layout, lower.c): its class
 * ("module:qualname", or with its bases "m:q|base|..."), a constant message or NULL, and when it
 * was raised with values, their layout (desc) and the values packed in args; a cause as given by
 * `raise ... from ...` (cause_kind 0: none, 1: from None, 2: cause). */
typedef struct { const char *cls, *msg, *desc; uint64_t args[8]; } RtExcCore;
typedef struct { RtExcCore e, cause; int32_t cause_kind; } RtExc;
void ember_rt_raise(const char *exc, const char *msg);
void ember_rt_raise_value(const RtExc *e);     /* RuntimeError when e holds no exception */
void ember_rt_exc_fetch(RtExc *out);           /* a handler takes the exception; the record is clear */
RtExc *ember_rt_record(void);                  /* this thread's record's exception: a raise's slot */
struct RtBlock *ember_rt_exc_fetch_box(void);  /* the same, held by a counted block (never NULL) */
struct RtBlock *ember_rt_exc_box(const RtExc *e);   /* a counted block holding e, taking its references */
void ember_rt_exc_free(struct RtBlock *b);     /* the last reference went: its strings, its block */
void ember_rt_exc_raise_box(struct RtBlock *b);   /* raise a held exception again (NULL: RuntimeError) */
int32_t ember_rt_exc_args(const RtExc *e, const char *want, uint64_t *out);   /* e.args as layout want */
int32_t ember_rt_exc_match(const char *cls, const char *name);
void ember_rt_traceback(const char *func, const char *file, int32_t line);
void rt_raise_python_error(void);   /* the pending Python exception becomes the record's, as the object (objmode.c) */
void rt_exc_class_seen(PyObject *cls);   /* a compile met exception class cls: findable while it lives */
bool rt_exc_is(const char *cls, const char *name);   /* is class cls (either form) name or a subclass */
void rt_error_save(RtExc *out);               /* take this thread's record (another thread raises it) */
typedef struct RtStr RtStr;
RtStr *ember_rt_exc_repr(const RtExc *e);      /* repr(e), through Python */
int32_t ember_rt_print(const char *desc, const uint64_t *words, RtStr *sep, RtStr *end, bool flush);
void rt_raise_str(const char *cls, RtStr *msg);   /* takes over msg (NULL: no args) */
void ember_rt_exc_retain(RtExc *e);           /* the strings in its args: one more reference each */
void ember_rt_exc_release(RtExc *e);
void ember_rt_exc_core_retain(RtExcCore *c);
void ember_rt_exc_core_release(RtExcCore *c);
int64_t ember_rt_stack_limit(void);            /* the lowest frame address recursion may reach */
#define EMBER_RT_STACK_MARGIN_MIN ((size_t)256 << 10)   /* the least stack it leaves below that address */
int rt_error_to_python(void);                 /* sets the Python exception; returns -1 */
/* This thread's zeroed block of size bytes, registered under *key (created once, through once and
 * make_key) so it is freed when the thread ends; NULL where no memory is left (error.c). */
void *rt_thread_block(void *key, void *once, void (*make_key)(void), size_t size);
void rt_error_take(const char **exc, const char **msg);   /* this thread's record, cleared (exc: the class name) */
extern const RtSymbol rt_symbols[];

/* callback.c: compiled code called by NumPy (ufunc loops) or C (cfuncs) reporting an error */
void ember_rt_raise_in_python(void);            /* the record's exception, set under the GIL */
void ember_rt_cfunc_failed(const char *name);   /* ... reported as unraisable */

/* objmode.c: `with objmode(...)` blocks, and Python exception objects in the record (layout "$P") */
int32_t ember_rt_objmode(const char *desc, void *const *ins, void *out);   /* 0, or -1 with the record set */
void rt_exc_object_ref(PyObject *o, int delta);   /* one more (1) or one less (-1) reference, any thread */
struct RtStr *rt_exc_object_str(PyObject *o);    /* str(o) as a new string; NULL with the record set */
struct RtBlock *rt_block_holding(PyObject *o);   /* array.c: a block owning a reference to o */
struct RtBlock *ember_rt_array_hold(PyObject *parent);   /* the same for generated code, any thread */
extern const int rt_nsymbols;

/* array.c: blocks (the counted allocator) and NumPy arrays across the boundary */
typedef struct RtBlock RtBlock;
RtBlock *ember_rt_block_alloc(int64_t nbytes);   /* refcnt 1; NULL with the error record set */
RtBlock *ember_rt_block_alloc_small(int64_t nbytes);
RtBlock *rt_block_alloc_small_quiet(int64_t nbytes);   /* the same, NULL (no error set) when out of memory */   /* the same, data only 8-byte aligned and just after the header (strings, jitclass instances) */
RtBlock *ember_rt_instance_alloc(int64_t nbytes);   /* never NULL: on failure a block whose count is 0 */
void *ember_rt_block_data(RtBlock *b);
void ember_rt_block_free(RtBlock *b);
void rt_block_decref(RtBlock *b);
/* The array value's fields (see types.h). */
typedef struct RtArray {
    RtBlock *meminfo;
    PyObject *parent;
    char *data;
    int64_t dims[];   /* shape[ndim] then strides[ndim] */
} RtArray;
void rt_release(const Type *t, void *p);          /* drop the references a value holds */
void rt_retain(const Type *t, void *p);           /* take one more of each */
bool rt_block_release_last(RtBlock *b);          /* drop a reference: true when it was the last */
int64_t rt_block_refcnt(RtBlock *b);
/* overruns: canaries found changed; stale: blocks written after their free (EMBER_CHECK_FREES) */
void rt_stats(int64_t *allocs, int64_t *frees, int64_t *overruns, int64_t *stale);
int rt_numpy_init(void);                           /* import NumPy and its C-API */
int rt_dtype_of_object(PyObject *obj);            /* np.float64, np.dtype('f4'), 'f4' -> DT_*, or -1 */
int rt_dtype_of_type_object(PyObject *obj);       /* the dtype an ember type object names (types.float64), or -1 */
const Type *rt_typeof(PyObject *value);           /* ty_typeof, plus arrays and NumPy scalars */
const Type *rt_typeof_argument(PyObject *value);  /* rt_typeof, and an np.float32 a float32 (a TY_NARROW parameter) */
void rt_narrow_value(const Type *narrow, void *p);  /* the held scalar at p wrapped or rounded to a TY_NARROW's
                                                     * dtype (ListType[uint8]'s 300: 44); narrow NULL: unchanged */
int rt_unbox_record(const Type *t, PyObject *o, void *out);
PyObject *rt_box_generator(const Type *t, void *frame);   /* an iterator over a compiled generator */
void rt_generator_keep(PyObject *gen, PyObject *owner, PyObject *const *args, int nargs);   /* it holds its code's owner and the call's arguments */   /* a np.void record: the address of its bytes */
const Type *rt_record_of(PyObject *dtype);        /* the record type of a structured np.dtype ember takes, else NULL */
/* Why `value`, which rt_typeof gave no type, has none: "is a float16 array, which ember does not
 * support: ...; pass a.astype(np.float32)" into buf, naming the argument `name` in the fix. */
void rt_explain_untyped(PyObject *value, const char *name, char *buf, size_t len);
int rt_unbox_array(const Type *t, PyObject *o, void *out);          /* 0, or 1: not convertible */
bool rt_is_float_scalar(PyObject *o);                                  /* a float or np.floating */
int rt_unbox_numpy_scalar(const Type *t, PyObject *o, void *out);   /* 0, 1 not one, -1 error */
PyObject *rt_box_array(const Type *t, const void *p);             /* takes over the reference */
PyObject *rt_box_record(const Type *t, const void *p);            /* a numpy.record copy of its bytes */
PyObject *rt_field_shape(const Type *rec, int f);                 /* sub-array field f's shape, a tuple */
PyObject *rt_box_dtype(const Type *t);                            /* the numpy.dtype a TY_DTYPE or TY_RECDTYPE names */
PyObject *rt_array_view(int dtype, int ndim, const void *p);     /* read-only, owns nothing: for the call's time */

/* str.c: strings (DESIGN.md "Growing the language"). A string is a counted block from the
 * allocator above, laid out as RtStr: the block header (refcnt at offset 0, which generated code
 * counts inline as for arrays; size; alloc, NULL for a literal), then len, kind and the hash
 * cache, then len code points of kind bytes (CPython's compact form: 1, 2 or 4 by the largest
 * code point, always the smallest that holds the text) and a zero. The value generated code
 * passes around is the RtStr pointer. Literals are constant blocks in the object code whose
 * refcnt starts at RT_STR_IMMORTAL, so counting never frees them. Functions named ember_rt_str_*
 * are called by generated code; each returns a new reference, or NULL with the error record set,
 * and none takes the GIL. Hash and equality for containers keyed by strings: ember_rt_str_hash
 * (CPython's own hash of the same text) and ember_rt_str_eq. */
typedef struct RtStr {
    int64_t refcnt, size;
    void *alloc;
    int64_t len;     /* code points */
    int64_t kind;    /* bytes per code point: 1, 2 or 4 */
    int64_t hash;    /* CPython's hash, or -1 until computed */
} RtStr;             /* the code points follow */
#define RT_STR_IMMORTAL TY_STR_IMMORTAL
void rt_str_init(void);
RtStr *rt_str_from_kind(int kind, const void *data, int64_t len);   /* canonical copy */
RtStr *rt_str_keep(RtStr *s);   /* a reference to keep in a container: s's, or a heap copy of a literal */
RtStr *rt_str_from_utf8(const char *text);  /* NULL with the error record set */
PyObject *rt_box_str(RtStr *s);            /* borrows s */
RtStr *rt_unbox_str(PyObject *o);          /* a new string; NULL with a Python error */
int64_t ember_rt_str_hash(RtStr *s);
bool ember_rt_str_eq(RtStr *a, RtStr *b);
int32_t ember_rt_str_cmp(RtStr *a, RtStr *b);
int32_t ember_rt_chars_cmp(const void *a, int64_t na, const void *b, int64_t nb);   /* n < 0: a str, else a
                                                                                     * 'U<n>' element in place */
int32_t ember_rt_str_less(const void *a, const void *b);      /* *a < *b of RtStr pointers (sorting) */
int32_t ember_rt_str_greater(const void *a, const void *b);
bool ember_rt_str_contains_cp(RtStr *s, uint32_t c);
RtStr *ember_rt_str_repr(RtStr *s);
extern const RtSymbol rt_str_symbols[];
extern const int rt_str_nsymbols;

/* call.c: unbox, call the entry, box (Dispatcher and AOT modules) */
PyObject *rt_call(RtEntry entry, const Type *const *types, int nargs, const Type *ret, PyObject *const *args,
                  bool nogil);
/* The conversions argument types need to match a signature (bool -> int64 -> float64 ->
 * complex128, int64 <-> uint64, C/F arrays as any layout): a cost to minimise, -1 if none. */
int rt_signature_cost(const Type *const *args, int nargs, const Type *const *params, int nparams);
/* The end of a "No matching definition" message when an argument is unaligned (it converts
 * only to an 'unaligned' signature): which one, and what to do; "" when none is. */
void rt_unaligned_hint(const Type *const *args, const char *const *names, int nargs, char *buf, size_t len);

/* rng.c: numpy.random.Generator */
int rt_unbox_generator(PyObject *o, void *out);   /* 0, 1 not a Generator, -1 error */
bool rt_is_generator(PyObject *o);
void ember_rt_rng_integers(void *g, int64_t lo, int64_t hi, int64_t *out, int64_t n);
typedef struct { uint64_t ki[256]; double wi[256]; } EmberZiggurat;   /* a ziggurat's fast test */
extern EmberZiggurat ember_rt_zig[2];   /* the normal's, the exponential's */
double ember_rt_rng_resume(void *g, uint64_t word, int32_t which);
/* list.c: lists (types.h: TY_LIST) */
typedef struct RtList { int64_t len, cap; char *items; } RtList;   /* a list block's data */
RtBlock *ember_rt_list_new(int64_t itemsize, int64_t cap);   /* empty; NULL with the error record set */
int32_t ember_rt_list_sort(RtBlock *l, int64_t size, int32_t (*less)(const void *a, const void *b));   /* stable */
int32_t ember_rt_list_sort_f8(double *a, int64_t n, int32_t reverse);   /* list.sort() of floats: zeros keep their order */
int32_t ember_rt_list_grow(RtBlock *l, int64_t itemsize, int64_t need);   /* cap >= need; 0, or -1 MemoryError */
void ember_rt_list_free(RtBlock *l);              /* its items and block (their references dropped already) */
void rt_list_decref(const Type *t, RtBlock *l);    /* drop a reference; the last drops the elements' */
const Type *rt_typeof_list(PyObject *v);           /* by its first item; NULL if empty or unsupported */
int rt_unbox_list(const Type *t, PyObject *o, void *out);   /* a new block (reflected after the call) */
void rt_reflect_list(const Type *t, PyObject *o, const void *p);   /* write the changes back into o */
void rt_reflect_dict(const Type *t, PyObject *o, const void *p);   /* a dict or set: the same */
bool rt_item_unchanged(const Type *e, PyObject *item, const char *p);   /* item is the value at p (scalars, str) */
PyObject *rt_box_list(const Type *t, const void *p);   /* takes over the reference */
/* show.c: values in memory described by layout letters (ty_value_layout), as Python objects */
size_t rt_layout_measure(const char **desc, size_t *align);   /* size in memory; advances desc past one value */
PyObject *rt_value_at(const char **desc, const void *p);       /* a new object, a copy; advances desc */

/* dict.c: dicts (types.h: TY_DICT). Generated code reads len (word 0), used (word 1) and
 * entries (word 5) of a dict block's data. */
typedef struct RtDict {
    int64_t len, used, cap, mask, esize;   /* live entries, entries made, room for entries, table size - 1 */
    char *entries;
    int64_t *index;                        /* the table: entry numbers, -1 empty, -2 a deleted one's */
    int64_t set, fill, finger;             /* sets (CPython's table): 1, slots not empty, where pop() looks;
                                            * a set's entries are its table's slots, {i64 tag, key} (dict.c),
                                            * and used and cap its size */
} RtDict;
RtBlock *ember_rt_dict_new(int64_t esize);
void ember_rt_dict_free(RtBlock *d);
int64_t ember_rt_dict_lookup(RtBlock *d, const char *desc, int64_t ksize, const void *key);   /* entry, or -1 */
int64_t ember_rt_dict_slot(RtBlock *d, const char *desc, int64_t ksize, const void *key);   /* 2*entry + new, -1 error */
int64_t ember_rt_dict_remove(RtBlock *d, const char *desc, int64_t ksize, const void *key);  /* entry, or -1 */
int64_t ember_rt_dict_next(RtBlock *d, int64_t k);   /* the first live entry from k on, or -1 */
void ember_rt_dict_clear(RtBlock *d);                /* (the values' references dropped already) */
int64_t rt_dict_order_next(RtBlock *d, int64_t *pos);  /* the next live entry as iteration sees them, or -1 */
/* sets: the same calls, a table kept as CPython keeps a set's (its order is CPython's); these too */
RtBlock *ember_rt_set_new(int64_t esize);
int64_t ember_rt_set_next(RtBlock *s, int64_t slot);   /* the first live slot from slot on, or -1 */
void ember_rt_set_pop(RtBlock *s, int64_t ksize, void *key);   /* a key removed into key, its references the caller's */
int ember_rt_set_grow(RtBlock *s);                      /* a table generated code filled, grown: 0 or -1 */
int ember_rt_set_reserve(RtBlock *s, int64_t n);       /* room for n more, as an update from a dict makes */
RtBlock *ember_rt_set_op(int op, RtBlock *a, RtBlock *b, const char *desc, int64_t ksize);   /* new, or NULL */
int ember_rt_set_update(int op, RtBlock *a, RtBlock *b, const char *desc, int64_t ksize);    /* a op= b: 0 or -1 */
int ember_rt_set_test(int op, RtBlock *a, RtBlock *b, const char *desc, int64_t ksize);      /* a <= b, ...: 1 or 0 */
void rt_dict_decref(const Type *t, RtBlock *d);
const Type *rt_typeof_dict(PyObject *v);
int rt_unbox_dict(const Type *t, PyObject *o, void *out);   /* a new dict (not reflected) */
PyObject *rt_box_dict(const Type *t, const void *p);        /* takes over the reference */
/* A Python set with set block d's table, slot for slot (so it iterates, pops and grows as CPython's
 * set after the same operations); box(key, ctx) makes the Python object of the key at key. */
typedef PyObject *(*RtSetKeyBox)(const char *key, void *ctx);
PyObject *rt_set_to_python(RtBlock *d, RtSetKeyBox box, void *ctx);
int rt_slice_mask(PyObject *v);                             /* a slice's parts given, as TY_SLICE's mask */
const Type *rt_typeof_set(PyObject *v);                    /* sets: dicts of key -> None */
int rt_unbox_set(const Type *t, PyObject *o, void *out);
PyObject *rt_box_set(const Type *t, const void *p);
void rt_dict_key(const Type *kt, const void *value, void *key);   /* a key as the table compares it */

/* typed.c: ember.typed.List and Dict, the blocks of ListType/DictType values seen from Python */
int rt_typed_init(PyObject *module);                 /* the base classes, into ember._ember */
const Type *rt_typeof_typed(PyObject *v);            /* its ListType/DictType; NULL if not one */
int rt_unbox_typed(const Type *t, PyObject *o, void *out);   /* the block itself, one more reference */
PyObject *rt_box_typed(const Type *t, const void *p);        /* a List/Dict taking over the reference */

/* jitclass.c: jitclass instances (TY_CLASS) seen from Python */
int rt_jitclass_init(PyObject *module);                      /* JitObject and jitclass_type, into ember._ember */
const Type *rt_typeof_instance(PyObject *v);                 /* a box's instance type; NULL if not a box */
int rt_unbox_instance(const Type *t, PyObject *o, void *out);   /* the block itself, one more reference */
PyObject *rt_box_instance(const Type *t, const void *p);        /* a box taking over the reference */
void rt_instance_decref(const Type *t, RtBlock *b);            /* the last reference releases the fields */

/* box.c */
int rt_unbox(const Type *t, PyObject *obj, void *out);        /* 0, or -1 with TypeError set */
PyObject *rt_box(const Type *t, const void *p);   /* takes over the array references in p */

#endif
