/* lower_const.c: global NumPy arrays that compiled code reads, as constant data.
 *
 * Typing freezes such an array (typeinfer/calls.c: a read-only C array of its dtype and shape);
 * here its contents, in C order, become a private constant of the object and the value is a view
 * of it that nothing owns. Contract 1 holds: the code refers to no host memory, so the on-disk
 * cache and AOT modules carry the data with the code.
 */
#include "lower.h"
#include <stdint.h>

/* The value of a frozen global array of type t: `frozen` is (its bytes in C order, its shape),
 * taken by typing. Python callers that get it back get a copy (runtime/array.c, rt_box_array):
 * the constant lives only as long as the code. */
LLVMValueRef cg_const_array(Lower *L, PyObject *frozen, const Type *t) {
    PyObject *bytes = PyTuple_GET_ITEM(frozen, 0), *shape = PyTuple_GET_ITEM(frozen, 1);
    LLVMValueRef init = LLVMConstStringInContext(L->c, PyBytes_AS_STRING(bytes), (unsigned)PyBytes_GET_SIZE(bytes), 1);
    LLVMValueRef g = cg_const_global(L, init, "ember.global_array");
    LLVMSetAlignment(g, 64);
    LLVMValueRef dims[64], strides[64];
    int64_t stride = ty_dtypes[t->dtype].size;
    for (int k = t->ndim - 1; k >= 0; k--) {
        int64_t n = PyLong_AsLongLong(PyTuple_GET_ITEM(shape, k));
        dims[k] = i64c(L, n);
        strides[k] = i64c(L, stride);
        stride *= n;
    }
    LLVMValueRef null = LLVMConstNull(L->ptr);
    return cg_make_array(L, t, null, null, g, dims, strides);
}
