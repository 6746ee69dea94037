/* module.c: the ember._embercc extension. It exports a capsule holding the CgApi table, which
 * pymodule/driver.c loads on the first compile, and host_cpu() for the system report
 * (python -m ember). */
#include "cg.h"
#include <llvm-c/Core.h>   /* LLVMDisposeMessage */
#include <llvm-c/TargetMachine.h>

int cg_jit_init(void);

static int init(TyState *types) {
    ty_adopt(types);   /* one type table in the process: ember._ember's */
    return cg_jit_init();
}
int cg_compile(Ctx *ctx, TypeInfo *ti, CgResult *out);
PyObject *cg_inspect_llvm(Ctx *ctx, PyObject *bitcode);
PyObject *cg_inspect_asm(Ctx *ctx, PyObject *bitcode);
int cg_wrap(Ctx *ctx, const CgWrap *w, CgResult *out);
PyObject *cg_object(Ctx *ctx, PyObject *bitcode, const char *symbol);

static const CgApi api = {
    .abi_version = EMBER_CG_ABI,
    .init = init,
    .compile = cg_compile,
    .inspect_llvm = cg_inspect_llvm,
    .inspect_asm = cg_inspect_asm,
    .wrap = cg_wrap,
    .object = cg_object,
};

/* The CPU LLVM compiles for: its name and features ("+avx2,+fma,-avx512f,..."), as the code
 * generator's target machine sees them. */
static PyObject *m_host_cpu(PyObject *self, PyObject *unused) {
    char *name = LLVMGetHostCPUName(), *features = LLVMGetHostCPUFeatures();
    PyObject *out = Py_BuildValue("{ssss}", "name", name ? name : "", "features", features ? features : "");
    LLVMDisposeMessage(name);
    LLVMDisposeMessage(features);
    return out;
}

static PyMethodDef methods[] = {
    {"host_cpu", m_host_cpu, METH_NOARGS, "The host CPU as LLVM sees it: {'name': ..., 'features': '+a,-b,...'}."},
    {NULL},
};

static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "ember._embercc",
                                 "ember's code generator (LLVM); loaded on the first compile.", -1, methods};

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
