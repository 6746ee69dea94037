/* module.c: the ember._embercc extension. It exports nothing but a capsule holding the CgApi
 * table, which pymodule/driver.c loads on the first compile. */
#include "cg.h"

int cg_jit_init(void);

static int init(TyState *types) {
    ty_adopt(types);   /* one type table in the process: ember._ember's */
    return cg_jit_init();
}
int cg_compile(Ctx *ctx, TypeInfo *ti, CgResult *out);
PyObject *cg_inspect_llvm(PyObject *bitcode);
PyObject *cg_inspect_asm(PyObject *bitcode);
int cg_wrap(Ctx *ctx, const CgWrap *w, CgResult *out);

static const CgApi api = {
    .abi_version = EMBER_CG_ABI,
    .init = init,
    .compile = cg_compile,
    .inspect_llvm = cg_inspect_llvm,
    .inspect_asm = cg_inspect_asm,
    .wrap = cg_wrap,
};

static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "ember._embercc",
                                 "ember's code generator (LLVM); loaded on the first compile.", -1};

PyMODINIT_FUNC PyInit__embercc(void) {
    PyObject *m = PyModule_Create(&def);
    if (!m) return NULL;
    PyObject *cap = PyCapsule_New((void *)&api, EMBER_CG_CAPSULE, NULL);
    if (!cap || PyModule_AddObject(m, "api", cap) < 0) {
        Py_XDECREF(cap);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
