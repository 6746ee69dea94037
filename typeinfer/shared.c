/* shared.c: typing data and pure helpers that lowering reads too. Typing lives in ember._ember
 * and lowering in ember._embercc, so what both need is linked into each from the common library:
 * the builtin table (builtins.def), ti_is_numpy_builtin and ti_const_int. */
#include "ti.h"
#include <string.h>

const BuiltinInfo ti_builtins[BI_COUNT] = {
#define BI(id, mod, name, shape, lowering) {mod, name, shape, lowering},
#include "builtins.def"
#undef BI
};

bool ti_is_numpy_builtin(int bid) {
    return bid >= 0 && bid < BI_COUNT && !strncmp(ti_builtins[bid].module, "numpy", 5);
}

int ti_const_int(TypeInfo *ti, int value, int64_t *out) {
    Instr *in = ti->fn->instrs[value];
    if (in->op == IR_CONST && (in->c.kind == K_INT || in->c.kind == K_BOOL)) {
        *out = in->c.i;
        return 1;
    }
    PyObject *f = ti->frozen[value];
    if (f && PyLong_Check(f)) {
        int overflow;
        *out = PyLong_AsLongLongAndOverflow(f, &overflow);
        return !overflow;
    }
    return 0;
}

