/* types.h: ember's types. Interned, so two types are equal exactly when their pointers are.
 *
 * The intern table is process-wide and append-only (but for Dispatchers' types: ty_forget). Its
 * one owner is ember._ember's TyState (see below), and every call into it holds the GIL (compiles
 * and dispatch both run with it). A type records its runtime layout (size, alignment, tuple element offsets) with the same natural-alignment rules
 * LLVM's x86-64 data layout uses, so runtime/box.c can box and unbox by signature.
 *
 * Sections: types.c (interning, names, unification, signature strings).
 */
#ifndef EMBER_TYPES_H
#define EMBER_TYPES_H

#include "ir.h"

typedef enum {
    TY_NONE,        /* None */
    TY_BOOL,        /* bool, an i1 */
    TY_INT64,       /* Python int, a wrapping 64-bit machine integer */
    TY_FLOAT64,     /* float */
    TY_COMPLEX128,  /* complex: two float64 */
    TY_STR,         /* str: a pointer to a counted string block (runtime/rt.h's RtStr); literals are constant blocks */
    TY_TUPLE,       /* a tuple of elems[0..n) */
    TY_RANGE,       /* a range(start, stop, step) object */
    TY_ITER,        /* an iterator over a range (elem NULL... see iter_of) or a tuple */
    TY_MODULE,      /* a module frozen at compile time (obj) */
    TY_FUNCTION,    /* a builtin or math function (builtin id in `builtin`, obj for display) */
    TY_DISPATCHER,  /* an @njit function (obj is the Dispatcher) */
    TY_INNERFUNC,   /* a def or lambda inside the compiled function (obj is its code) */
    TY_EXCCLASS,    /* an exception class (obj) */
    TY_EXC,         /* an exception instance of class obj made with args elems[0..n): its value is the args */
    TY_METHOD,      /* attribute `attr` of a value of type `recv`, to be called */
    TY_ARRAY,       /* a NumPy array: dtype, ndim, layout, readonly, unaligned (DESIGN.md contract 6) */
    TY_SLICE,       /* a slice; n is a mask of the parts present (1 start, 2 stop, 4 step) */
    TY_DTYPE,       /* a NumPy scalar type or dtype used as a value (np.float64): `dtype` */
    TY_ZIP,         /* zip(elems[0..n)) over iterables; enumerate(x) is zip(count, x), a range first */
    TY_UINT64,      /* a NumPy uint64 (elements of uint64 arrays, np.uint64, ints above 2**63) */
    TY_EXCVAL,      /* a caught exception, any class (runtime/rt.h's RtExc): `except E as e`, `raise` */
    TY_CFUNC,       /* a C function (obj: its ctypes or cffi object): C signature `attr`, symbol `cname` */
    TY_HOOKED,      /* an object that gives the Dispatcher to call for the arguments (obj.__ember_dispatcher__: @stencil) */
    TY_RNG,         /* a numpy.random.Generator: at run time a pointer to its bit generator (runtime/rng.c) */
    TY_TYPEREF,     /* an ember.types type object used as a value (List.empty_list(types.float64[:])): obj */
    TY_OPTIONAL,    /* OptionalType(T): what a function returning None on some paths returns; laid
                       out as the tuple elems {bool (is T), T}; T has no references, or is a string,
                       list, dict or set (a pointer, NULL for None) or an array (no block for None) */
    TY_LIST,        /* a list of elems[0] (NULL: not known yet, `[]` before its first use); a pointer to
                     * its block (runtime/rt.h, RtList) */
    TY_DICT,        /* a dict of elems[0] -> elems[1] (NULL: not known yet, `{}`); a pointer to its block
                     * (runtime/dict.c, RtDict) */
    TY_SET,         /* a set of elems[0]: laid out as a dict of elems[0] -> elems[1] = none */
    TY_ELLIPSIS,    /* `...`, in array subscripts (typeinfer/ellipsis.c rewrites them); a byte no one reads */
    TY_FUNCPTR,     /* FunctionType[ret(params)] (Numba's first-class function type): a pointer to a
                     * native function (DESIGN.md contract 2's unboxed ABI); elems[0] the result,
                     * elems[1..n) the parameters (typeinfer/funcs.c) */
    TY_FUNCSET,     /* one of the compiled functions elems[0..n), chosen at run time, whose signature
                     * the first call decides (then it is a TY_FUNCPTR); compile-time only */
    TY_NTCLASS,     /* a namedtuple class (obj: collections.namedtuple or typing.NamedTuple), called to make one */
    TY_RECORD,      /* an element of a structured array (a record): a pointer to its bytes in the array,
                     * read and written in place (Numba's Record, by reference). n fields named
                     * fnames[], of dtypes fdtypes[] at byte offsets offsets[], itemsize bytes in all */
    TY_RECARRAY,    /* a structured array: laid out as an array value (its element size the record's
                     * itemsize) with rec its record type, ndim, layout, readonly, unaligned as TY_ARRAY
                     * (unaligned: some field's address is not a multiple of its alignment) */
    TY_GENERATOR,   /* a generator (what calling a generator function gives) yielding elems[0]: a pointer to
                     * its coroutine frame, whose promise (codegen/lower_gen.c) holds a reference count */
    TY_RECDTYPE,    /* a structured dtype used as a value (np.empty(n, dtype=REC)): rec its record type;
                     * compile-time only */
    TY_CLASS,       /* an instance of a jitclass (obj: its Python class, ember/experimental.py): a pointer
                     * to a counted block (refcnt at offset 0) whose data holds n fields named fnames[],
                     * of types elems[] (scalars canonical; stored as fdtypes[] where that is >= 0, else
                     * as elems[]) at byte offsets offsets[], itemsize bytes in all */
    TY_NARROW,      /* a sized scalar parameter (dtype: int8..uint32 or float32): an np.float32 argument, or
                     * a scalar a signature names ("uint8(uint8)"). Only in a specialisation's parameter
                     * types (the dispatcher's key, as Numba names it) and a signature's return type; held
                     * and typed as its canonical scalar (ty_held), which the function wraps or rounds
                     * on entry (infer.c ti_new, facts.c: a float32's maths is float32's) */
    TY_ENUM,        /* a member of an Enum class (obj) that is not an IntEnum or IntFlag (those are
                     * ints), Numba's EnumMember: laid out as its value, elems[0] (an int or float);
                     * ==, `is` and .value compile, and it comes back to Python as the member */
    TY_OMITTED,     /* a parameter a Python call left to its default (obj: the default, None, an int,
                     * float, bool, complex or str), Numba's Omitted: the specialisation types that parameter
                     * as the constant (infer.c) and takes no bytes for it */
    TY_NKINDS
} TypeKind;

/* NumPy element types. Elements load as the canonical scalar type of their kind (bool, int64,
 * float64, complex128; uint64 for uint64, whose values do not all fit int64) and store back with NumPy's conversion; arrays keep their dtype. */
typedef enum {
    DT_BOOL, DT_INT8, DT_INT16, DT_INT32, DT_INT64, DT_UINT8, DT_UINT16, DT_UINT32, DT_UINT64,
    DT_FLOAT32, DT_FLOAT64, DT_COMPLEX64, DT_COMPLEX128, DT_COUNT
} DType;

typedef struct DTypeInfo {
    const char *name;    /* "float32", as NumPy and Numba spell it */
    int size;            /* bytes per element */
    char kind;           /* 'b' bool, 'i' signed, 'u' unsigned, 'f' float, 'c' complex */
    int npy;             /* NumPy's type number (NPY_FLOAT, ...) */
} DTypeInfo;
extern const DTypeInfo ty_dtypes[DT_COUNT];

/* Array runtime value: {block *meminfo, PyObject *parent, char *data, i64 shape[nd], i64
 * strides[nd]} with strides in bytes. meminfo is NULL for memory ember does not own (an argument's). */
#define TY_ARRAY_HEADER 3

/* List runtime value: a pointer to its block (runtime/array.c: refcnt at offset 0, then the block
 * header), whose data holds {i64 len, i64 cap, ptr items}: items is a malloc'd array of cap
 * elements laid out as the element type, grown by doubling (runtime/list.c). The list owns one
 * reference to each element that holds references. */
#define TY_STR_IMMORTAL ((int64_t)1 << 60)   /* a literal string's count: counting never frees it */
#define TY_STR_LITERAL "ember.strlit"          /* the symbol of a literal string in compiled code */
#define TY_BLOCK_HEADER 24   /* sizeof(RtBlock): where a list's fields start */
#define TY_INSTANCE_READABLE 4096   /* the bytes a jitclass instance's block is declared to have (runtime/array.c) */
#define TY_DICT_WORDS 10     /* sizeof(RtDict) / 8: a dict's (or set's) fields, runtime/rt.h */

struct Type {
    TypeKind kind;
    const char *name;        /* as Numba prints it: "float64", "UniTuple(int64 x 2)" */
    int n;                   /* TY_TUPLE: element count */
    const Type **elems;      /* TY_TUPLE elements */
    const Type *iter_of;     /* TY_ITER: the iterable's type */
    const Type *recv;        /* TY_METHOD: the receiver's type */
    const char *attr;        /* TY_METHOD: the method name; TY_CFUNC: the C signature (pymodule/ember/_ffi.py);
                              * TY_DICT: NULL for the dict, "keys" "values" "items" for its views */
    const char *cname;       /* TY_CFUNC: the symbol code calls, "ember.dl:<library>:<symbol>" */
    PyObject *obj;           /* TY_MODULE, TY_FUNCTION, TY_DISPATCHER, TY_INNERFUNC, TY_EXCCLASS, TY_EXC */
    int builtin;             /* TY_FUNCTION: a BI_* id (typeinfer/calls.c) */
    size_t size, align;      /* runtime layout; 0 for compile-time-only types */
    size_t *offsets;         /* TY_TUPLE: element offsets */
    int dtype;               /* TY_ARRAY, TY_DTYPE: a DT_* */
    int ndim;                /* TY_ARRAY */
    char layout;             /* TY_ARRAY: 'C', 'F' or 'A' (any strides) */
    bool readonly;           /* TY_ARRAY: writes are compile errors */
    bool unaligned;          /* TY_ARRAY: the data may not be aligned to the element (np.frombuffer at
                              * an odd offset, a field of a packed record): codegen marks the
                              * compile's loads and stores align 1 and gives runtime helpers copies */
    const Type *rec;         /* TY_RECARRAY: its record type */
    const char **fnames;     /* TY_RECORD: field names */
    int *fdtypes;            /* TY_RECORD: field dtypes (DT_*; TY_FIELD_RECORD for a nested record, elems[i]
                              * its type, whose own flags are clear) */
    const int64_t **fshapes; /* TY_RECORD: a sub-array field's shape {ndim, dim0, ...} (a field ('pos', f8, 3)
                              * of fdtypes[i] elements, C order), else NULL; the array NULL when no field has one */
    size_t itemsize;         /* TY_RECORD: bytes per record */
    bool aligned_struct;     /* TY_RECORD: its dtype was made with align=True (NumPy's isalignedstruct; the
                              * name ends ";True)" as Numba's does) */
    bool typed;              /* TY_LIST, TY_DICT: an ember.typed List or Dict, which crosses into Python
                              * as the block itself (runtime/typed.c), not converted */
    const Type *narrow[2];   /* a typed TY_LIST's item, a typed TY_DICT's key and value: the TY_NARROW of a
                              * sized scalar (ListType[uint8]), held as elems[] but wrapped or rounded to
                              * it where stored (a key also where looked up); else NULL */
    bool nullable;           /* TY_CLASS: OptionalType(instance): None is a NULL pointer */
};

/* The intern table and the common types. ember._ember owns the one instance; ember._embercc,
 * which links this code too, adopts it at load (ty_adopt), so both modules share one table. */
typedef struct TyState {
    Type **table;
    int ntable, cap;
    const Type *none, *bool_, *int64, *float64, *complex128, *str, *range, *uint64, *excval, *rng, *ellipsis;
    const Type *narrow[DT_COUNT];   /* TY_NARROW by dtype (NULL: none for it) */
    const Type *npscalar[DT_COUNT];   /* an np.int64, np.float64 or np.complex128 argument: a TY_NARROW of
                                       * that dtype, strong in NumPy's promotion (NULL for the others) */
} TyState;

extern TyState *ty_state;
#define ty_none (ty_state->none)
#define ty_bool (ty_state->bool_)
#define ty_int64 (ty_state->int64)
#define ty_uint64 (ty_state->uint64)
#define ty_float64 (ty_state->float64)
#define ty_complex128 (ty_state->complex128)
#define ty_str (ty_state->str)
#define ty_range (ty_state->range)
#define ty_excval (ty_state->excval)
#define ty_rng (ty_state->rng)
#define ty_ellipsis (ty_state->ellipsis)
#define ty_float32 (ty_state->narrow[DT_FLOAT32])   /* TY_NARROW float32: parameters only */

/* Generator methods (typeinfer/rng.c, codegen/lower_rng.c, runtime/rng.c). */
enum { RNG_RANDOM, RNG_STANDARD_NORMAL, RNG_NORMAL, RNG_UNIFORM, RNG_EXPONENTIAL, RNG_STANDARD_EXPONENTIAL,
       RNG_INTEGERS };
#define TY_EXC_WORDS 8   /* the most 64-bit words an exception's args pack into (RtExcCore.args) */

/* types.c */
int ty_init(void);
void ty_adopt(TyState *owner);
const Type *ty_tuple(int n, const Type *const *elems);
/* A namedtuple: a tuple of elems whose obj is its class (fields by name, boxed as an instance);
 * named "Point(x: float64, y: float64)"; NULL when cls is not a namedtuple class of n fields.
 * ty_is_namedtuple_class: a tuple subclass with _fields, all str. */
const Type *ty_named_tuple(PyObject *cls, int n, const Type *const *elems);
const Type *ty_enum_member(PyObject *cls, const Type *value);   /* EnumMember(cls, value): NULL for a value no number */
const Type *ty_omitted(PyObject *value);   /* omitted(default=<repr>): NULL for a default no constant */
bool ty_is_enum_class(PyObject *obj);   /* an Enum class (IntEnum's included) */
void ty_note_namedtuple_class(PyObject *cls);
const Type *ty_typeref_named(PyObject *obj, const char *name);   /* TY_TYPEREF of a type object, one per type name */   /* a class a signature may name ("P(a: float64, b: int64)") */
bool ty_is_namedtuple_class(PyObject *cls);
int ty_namedtuple_field(const Type *t, const char *name);   /* a field's index, or -1 */
const Type *ty_iter(const Type *iterable);
const Type *ty_zip(int n, const Type *const *iterables, bool enumerate);
bool ty_is_enumerate(const Type *t);   /* an enumerate(x): zip of a counting range and x */
const Type *ty_object(TypeKind kind, PyObject *obj, int builtin);   /* module/function/... types */
const Type *ty_exc(PyObject *cls, int nargs, const Type *const *args);   /* cls(*args) */
const Type *ty_cfunc(PyObject *obj, const char *sig, const char *symbol);
/* How a value of type t packs into 64-bit words for the runtime to make Python objects of
 * (exception args, print; runtime/error.c, rt_unpack_values): its layout letters appended to
 * desc (q int64, Q uint64, d float64, ? bool, D complex (2 words), s str (an RtStr pointer; in an
 * exception's args, a reference the exception owns), N None (no word),
 * (...) tuple, and with `arrays` (print) A<dtype 'a'+DT_*><ndim '0'+ndim> an array, one word
 * pointing at its value, and L, M, S a list, dict or set, one word holding its block, followed
 * by its elements' letters: runtime/show.c) and the words it takes; -1 if it cannot be packed. */
int ty_value_layout(const Type *t, char *desc, size_t len, bool arrays);
/* A Dispatcher going away: drop its type and every type made of it from the table (a
 * Dispatcher's type does not keep it alive). The caller guarantees no compile holds them. */
void ty_forget(PyObject *dispatcher);
const Type *ty_method(const Type *recv, const char *attr);
const Type *ty_funcptr(const Type *ret, int nparams, const Type *const *params);   /* FunctionType[ret(params)] */
const Type *ty_funcset(int n, const Type *const *members);   /* members: Dispatcher types, sorted by the caller */
const Type *ty_optional(const Type *t);    /* OptionalType(t); NULL unless t is a value without references */
bool ty_is_number(const Type *t);          /* bool, int64, uint64, float64, complex128 */
bool ty_is_int(const Type *t);             /* int64 or uint64 (not bool) */
bool ty_is_real(const Type *t);            /* bool, int64, uint64 or float64 */
bool ty_is_uniform_tuple(const Type *t);   /* a tuple whose elements all share one type (n >= 1) */
bool ty_is_runtime(const Type *t);         /* has a run-time value (not a compile-time entity) */
bool ty_is_value(const Type *t);           /* can cross into Python: numbers, None, tuples of them */
int ty_rank(const Type *t);                /* numeric rank: bool 0 < int64, uint64 1 < float64 2 < complex128 3 */
const Type *ty_of_rank(int rank);
const Type *ty_unify(const Type *a, const Type *b);   /* NULL when they do not unify; int64 with uint64 is float64 */
const Type *ty_parse(const char *text, const char **end, char *err, size_t errlen);   /* int32: int64 */
const Type *ty_parse_sized(const char *text, const char **end, char *err, size_t errlen);   /* int32: its TY_NARROW */
/* "uint8(uint8, float32[:])": a sized scalar parameter or return type is its TY_NARROW; *args malloc'd */
int ty_parse_signature(const char *text, const Type **ret, const Type ***args, int *nargs,
                       char *err, size_t errlen);
const Type *ty_typeof(PyObject *value);   /* the type of a Python argument, NULL if unsupported */
const Type *ty_array(int dtype, int ndim, char layout, bool readonly);   /* aligned */
const Type *ty_array_full(int dtype, int ndim, char layout, bool readonly, bool unaligned);
const Type *ty_view(const Type *of, int dtype, int ndim, char layout);   /* of's memory: its readonly, unaligned */
/* Records (typeinfer/fields.c for their typing rules): interned by layout. ty_record copies
 * its arguments; readonly and unaligned are the array's it came from. recs (may be NULL): a
 * nested record's type where dtypes[i] is TY_FIELD_RECORD; shapes (may be NULL): a sub-array
 * field's {ndim, dims...} or NULL. ty_record_flags: rec's fields with other flags. */
#define TY_FIELD_RECORD (-3)
#define TY_FIELD_UNICODE (-4)   /* a NumPy 'U<n>' field: n UCS4 code points (shapes[i] = {1, n}), read as a str */
const Type *ty_record(int n, const char *const *names, const int *dtypes, const size_t *offsets,
                      const Type *const *recs, const int64_t *const *shapes, size_t itemsize, bool aligned_struct,
                      bool readonly, bool unaligned);
const Type *ty_record_flags(const Type *rec, bool readonly, bool unaligned);
/* Field f of record r as compiled code reads it: the canonical scalar of its dtype, a C view of a
 * sub-array, or the nested record; with r's flags. */
const Type *ty_record_field_type(const Type *r, int f);
int ty_record_sub_ndim(const Type *rec, int f);   /* a sub-array field's dimensions; 0 for any other field */
int64_t ty_record_nchars(const Type *rec, int f);   /* a TY_FIELD_UNICODE field's code points */
const Type *ty_recarray(const Type *rec, int ndim, char layout, bool readonly, bool unaligned);
/* A NumPy string array ('U<n>') is a TY_RECARRAY of the record ty_chars(n): one unnamed string
 * field of n code points, named "[unichr x n]" as Numba names the element; its elements read
 * as str (a[i], iteration) and take a str (a[i] = s). */
const Type *ty_chars(int64_t n);
bool ty_is_chars(const Type *t);   /* t is such a record */
const Type *ty_recdtype(const Type *rec);
const Type *ty_generator(const Type *yields);
/* A jitclass's instance type (typeinfer/jitclass.c for its typing rules), made once per class
 * (cls, kept alive): named "instance.jitclass.<name>#<serial><x:float64,...>"; fields laid out
 * in the order given, each at its alignment; dtypes[i] >= 0 stores a scalar field at that dtype.
 * NULL (no error set) where a field's type cannot be held. ty_class_of: the type made for cls. */
const Type *ty_class(PyObject *cls, const char *name, long serial, int n, const char *const *names,
                     const Type *const *types, const int *dtypes);
const Type *ty_class_of(PyObject *cls);
/* OptionalType(instance) of class type t (ty_optional gives it too): the same fields, and None,
 * a NULL pointer; ty_class_definite: the instance type again. */
const Type *ty_class_nullable(const Type *t);
const Type *ty_class_definite(const Type *t);
/* A field of deferred type (dtypes[i] == TY_FIELD_DEFERRED in ty_class: an instance of a class
 * not made yet, laid out as a pointer) given its type: an instance type, nullable or not. 0, or
 * -1 when it is no instance type or the field is not deferred. */
#define TY_FIELD_DEFERRED (-2)
int ty_class_define(const Type *t, int field, const Type *ft);
bool ty_class_can_hold(const Type *t);   /* a field may be of type t */
int ty_class_field(const Type *t, const char *name);   /* a field's index, or -1 */
/* The field a chain of instances goes through (a linked list's next): the last field holding an
 * instance of t's own class, or -1. Dropping an instance follows it in a loop, not a call
 * (codegen/lower_jitclass.c, runtime/jitclass.c), so a long chain is freed without recursing
 * once per node. */
int ty_class_chain_field(const Type *t);
/* The same generator held by the one loop over it (codegen/lower_gen.c): its slot destroys it
 * without counting; codegen only, `typed` set. */
const Type *ty_generator_owned(const Type *yields);
int ty_record_field(const Type *rec, const char *name);   /* the field's index, or -1 */
bool ty_same_fields(const Type *a, const Type *b);          /* two records' fields are the same, whatever their flags */
size_t ty_item_size(const Type *t);       /* bytes per element of an array or a structured array */
size_t ty_field_align(int dtype);         /* the alignment a field of dtype needs */
size_t ty_record_align(const Type *rec, int f);   /* the alignment field f of record rec needs (its widest scalar's) */
bool ty_has_unaligned(const Type *t);     /* an unaligned array, or a tuple holding one */
const Type *ty_slice(int mask);
const Type *ty_dtype(int dtype);
const Type *ty_scalar_of(int dtype);      /* the canonical scalar an element loads as */
int ty_dtype_of_scalar(const Type *t);    /* bool/int64/uint64/float64/complex128 -> DT_*, else -1 */
bool ty_has_refs(const Type *t);          /* holds references: arrays, strings, lists, dicts, sets, exceptions, tuples of them */
/* list(elem): elem NULL for a list whose element type is not known yet ("list(undefined)") */
const Type *ty_list(const Type *elem);
const Type *ty_dict(const Type *key, const Type *value);   /* either NULL while not known */
const Type *ty_set(const Type *key);   /* NULL while not known */
/* typed.List / typed.Dict (Numba's ListType[T], DictType[K,V]): laid out and used as lists and
 * dicts; only the boundary differs. The _like forms keep `like`'s kind of container. */
const Type *ty_typed_list(const Type *elem);
const Type *ty_typed_dict(const Type *key, const Type *value);
const Type *ty_list_like(const Type *like, const Type *elem);
const Type *ty_dict_like(const Type *like, const Type *key, const Type *value);
/* d.keys(), d.values(), d.items() of dict type d (which: "keys", "values", "items"): live views,
 * a TY_DICT whose attr names the view; its value is the dict's block, as the dict's */
const Type *ty_dict_view(const Type *d, const char *which);
bool ty_is_heap(const Type *t);           /* a pointer to a counted block (a list, a dict): refcnt at offset 0 */
bool ty_is_hashable(const Type *t);       /* a dict key: bool, int64, uint64, float64, tuples of them */
/* A dict entry's layout, as LLVM lays out {i64 hash, i64 live, key, value}: the value's offset
 * and the entry's size; a set's slot is {i64 tag, key} (no value: both are its size). */
void ty_dict_entry(const Type *d, size_t *value_offset, size_t *entry_size);
bool ty_is_complete(const Type *t);       /* no list(undefined) inside */
int ty_promote(int a, int b);             /* NumPy's promote_types on two dtypes */
const Type *ty_held(const Type *t);       /* a TY_NARROW's canonical scalar, a tuple's of each; any other type itself */
int ty_narrow_dtype_named(const char *name);   /* "uint32", "i2", "float32": its DT_*; -1 for a 64-bit, bool or other name */

#endif
