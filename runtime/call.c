/* call.c: calling a compiled specialisation from Python, shared by the Dispatcher
 * (pymodule/dispatcher.c) and AOT modules (aot.c):
 *
 *   unbox each argument into a stack buffer by its signature type -> call the entry (contract 2)
 *   -> box the result, or raise the error record's exception.
 *
 * and the conversion costs that pick a signature when no exact one exists.
 */
#include "rt.h"
#include <stdio.h>
#include <stdlib.h>

#define MAX_ARGS 64

/* Whether a scalar of type `from` may lose its value as a `to` (a TY_NARROW): a smaller type,
 * or an unsigned one of the same size as a signed one (or the reverse), or a float to an int.
 * Numba calls these conversions unsafe and ranks them after every safe one. */
static bool narrows(const Type *from, const Type *to) {
    int fd = from->kind == TY_NARROW ? from->dtype : ty_dtype_of_scalar(from);
    if (fd < 0) return true;
    char fk = ty_dtypes[fd].kind, tk = ty_dtypes[to->dtype].kind;
    size_t fs = ty_dtypes[fd].size, ts = ty_dtypes[to->dtype].size;
    if (tk == 'f') return (fk == 'f' && fs > ts) || ((fk == 'i' || fk == 'u') && fs >= ts) || fk == 'c';
    if (fk == 'f' || fk == 'c') return true;
    return fs > ts || (fs == ts && fk != tk && fk != 'b');
}

enum { UNSAFE = 8 };   /* a narrowing conversion's cost: more than any chain of widening ones */

/* The cost of converting a value of type `from` to `to`, or -1 if it cannot convert. */
static int conversion_cost(const Type *from, const Type *to) {
    if (from == to) return 0;
    if (to->kind == TY_NARROW) {   /* "int32(int32)" given an int64: wrapped on entry, as Numba converts */
        int c = conversion_cost(from->kind == TY_NARROW ? ty_held(from) : from, ty_held(to));
        return c < 0 ? -1 : c + (narrows(from, to) ? UNSAFE : 1);
    }
    if (from->kind == TY_NARROW && (from = ty_held(from)) == to) return 0;   /* an np.float32 argument to a float64 parameter */
    if (ty_is_number(from) && ty_is_number(to) && ty_rank(from) < ty_rank(to)) return ty_rank(to) - ty_rank(from);
    if (ty_is_int(from) && ty_is_int(to)) return 1;   /* unboxing checks the value's range */
    if (from == ty_float64 && ty_is_int(to)) return UNSAFE + 1;   /* truncated (unbox_float_as_int), as Numba converts: last resort */
    bool flags_ok = (to->readonly || !from->readonly) && (to->unaligned || !from->unaligned);
    if (from->kind == to->kind && (from->kind == TY_ARRAY || from->kind == TY_RECARRAY) && flags_ok &&
        (from->kind == TY_ARRAY ? from->dtype == to->dtype : ty_same_fields(from->rec, to->rec)) &&
        from->ndim == to->ndim && (to->layout == 'A' || to->layout == from->layout))
        return 1;   /* a C or F array passed as any layout, a writable one as read-only, an aligned one as unaligned */
    if (from->kind == TY_RECORD && to->kind == TY_RECORD && ty_same_fields(from, to) && flags_ok)
        return 1;   /* a record the same way */
    if (ty_is_heap(from) && from->kind == to->kind && !from->typed && !to->typed) {   /* a list, dict or set converts item by item */
        int total = 1;
        for (int i = 0; i < from->n; i++) {
            int c = conversion_cost(from->elems[i], to->elems[i]);
            if (c < 0) return -1;
            total += c;
        }
        return total;
    }
    if (to->kind == TY_FUNCPTR && from->kind == TY_DISPATCHER) return 1;   /* its specialisation's address (box.c) */
    if (to->kind == TY_OPTIONAL && from->kind != TY_OPTIONAL) {   /* None, or a value of T */
        int c = from->kind == TY_NONE ? 0 : conversion_cost(from, to->elems[1]);
        return c < 0 ? -1 : c + 1;
    }
    if (from->kind == TY_TUPLE && to->kind == TY_TUPLE && from->n == to->n) {
        int total = 0;
        for (int i = 0; i < from->n; i++) {
            int c = conversion_cost(from->elems[i], to->elems[i]);
            if (c < 0) return -1;
            total += c;
        }
        return total;
    }
    return -1;
}

/* The cost of passing arguments of types `args` to a signature taking `params`, or -1. */
int rt_signature_cost(const Type *const *args, int nargs, const Type *const *params, int nparams) {
    if (nargs != nparams) return -1;
    int total = 0;
    for (int k = 0; k < nargs; k++) {
        int c = conversion_cost(args[k], params[k]);
        if (c < 0) return -1;
        total += c;
    }
    return total;
}

void rt_unaligned_hint(const Type *const *args, const char *const *names, int nargs, char *buf, size_t len) {
    buf[0] = 0;
    for (int i = 0; i < nargs; i++)
        if (ty_has_unaligned(args[i])) {
            if (args[i]->kind == TY_RECARRAY)
                snprintf(buf, len, "; argument %d ('%s') is unaligned (some field lies off its alignment): add a "
                         "signature for '%s', or pass it with an aligned dtype, np.dtype(fields, align=True)", i + 1,
                         names[i], args[i]->name);
            else
                snprintf(buf, len, "; argument %d ('%s') is unaligned (its data is not aligned to its dtype): add a "
                         "signature for '%s', or pass an aligned copy, %s.copy()", i + 1, names[i], args[i]->name, names[i]);
            return;
        }
}

/* After a call: write lists, dicts and sets back into the Python objects they came from (also when the call
 * failed: Python would have changed the list up to the failure), then drop the arguments'
 * references. */
static void release_args(const Type *const *types, int n, PyObject *const *args, void **ptrs, bool reflect) {
    for (int i = 0; i < n; i++) {
        if (!ty_has_refs(types[i])) continue;
        if (reflect && types[i]->kind == TY_LIST && !types[i]->typed) rt_reflect_list(types[i], args[i], ptrs[i]);
        if (reflect && ((types[i]->kind == TY_DICT && !types[i]->typed && !types[i]->attr) || types[i]->kind == TY_SET) &&
            (PyDict_CheckExact(args[i]) || PySet_CheckExact(args[i])))
            rt_reflect_dict(types[i], args[i], ptrs[i]);
        rt_release(types[i], ptrs[i]);
    }
}

/* A negative int for an unsigned sized parameter ("uint8(uint8)" given -1): Numba's OverflowError
 * (a positive one wraps, as there). */
static int negative_to_unsigned(const Type *t, const void *value) {
    if (t->kind != TY_NARROW || ty_dtypes[t->dtype].kind != 'u' || *(const int64_t *)value >= 0) return 0;
    PyErr_SetString(PyExc_OverflowError, "can't convert negative int to unsigned");
    return -1;
}

/* A float for an int parameter ("int64(int64)" given 1.5, only a signature's): truncated, as Numba
 * converts; NaN and infinities are Python's ValueError and OverflowError. */
static int unbox_float_as_int(const Type *t, PyObject *v, void *out) {
    double d = PyFloat_AsDouble(v);
    PyObject *i = d == -1.0 && PyErr_Occurred() ? NULL : PyLong_FromDouble(d);
    int rc = i ? rt_unbox(t, i, out) : -1;
    Py_XDECREF(i);
    return rc;
}

PyObject *rt_call(RtEntry entry, const Type *const *types, int nargs, const Type *ret, PyObject *const *args,
                  bool nogil) {
    _Alignas(16) unsigned char buf[1024];
    void *ptrs[MAX_ARGS];
    unsigned char *heap = NULL, *base = buf;
    size_t need = ret->size + 16;
    for (int i = 0; i < nargs; i++) need += types[i]->size + 16;
    if (need > sizeof buf) {
        if (!(heap = malloc(need))) return PyErr_NoMemory();
        base = heap;
    }
    size_t off = 0;
    for (int i = 0; i < nargs; i++) {
        const Type *t = ty_held(types[i]);   /* a sized scalar: as its canonical one (the code wraps it) */
        off = (off + 15) & ~(size_t)15;
        ptrs[i] = base + off;
        off += t->size;
        /* the hot cases inline; everything else through the runtime's unboxer */
        if (t == ty_float64 && PyFloat_CheckExact(args[i])) *(double *)ptrs[i] = PyFloat_AS_DOUBLE(args[i]);
        else if ((ty_is_int(t) && rt_is_float_scalar(args[i]) ? unbox_float_as_int(t, args[i], ptrs[i]) : rt_unbox(t, args[i], ptrs[i])) ||
                 negative_to_unsigned(types[i], ptrs[i])) {
            release_args(types, i, args, ptrs, false);
            free(heap);
            return NULL;
        }
    }
    off = (off + 15) & ~(size_t)15;
    void *result = base + off;
    int32_t status;
    if (nogil) {
        Py_BEGIN_ALLOW_THREADS
        status = entry(ptrs, result);
        Py_END_ALLOW_THREADS
    } else {
        status = entry(ptrs, result);
    }
    PyObject *r;
    release_args(types, nargs, args, ptrs, true);
    if (status != 0) {
        rt_error_to_python();
        r = NULL;
    } else if (ret == ty_float64) {
        r = PyFloat_FromDouble(*(double *)result);
    } else {
        r = rt_box(ret, result);
    }
    free(heap);
    return r;
}

