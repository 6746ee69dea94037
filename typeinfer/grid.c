/* grid.c: typing np.mgrid[...] and np.ogrid[...] (lowered in codegen/lower_grid.c).
 *
 * The subscript is one slice or a tuple of slices written in it (a:b, a:b:c, a:b:nj); their
 * parts may be floats, and a step may be complex, whose magnitude is a number of points with
 * the stop included (NumPy's convention). So a slice of non-integers types when every
 * subscript that reads it is a grid's (ti_slice_feeds_grid).
 *
 * Result as NumPy: one slice gives a 1-d array (np.arange(start, stop, step), or for a complex
 * step n points from start to stop); k slices give mgrid an array of shape (k, n0, ..., nk-1),
 * ogrid a tuple of k arrays of k dims each, n_i long along dim i. int64 when every part is an
 * int, else float64.
 */
#include "ti.h"
#include "fe.h"

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)

bool ti_is_grid(const Type *t) {
    return t->kind == TY_FUNCTION && (t->builtin == BI_NP_MGRID || t->builtin == BI_NP_OGRID);
}

int ti_grid_slices(Function *fn, Instr *in, Instr **slices) {
    Instr *x = fn->instrs[in->args[1]];
    if (x->op == IR_SLICE) {
        slices[0] = x;
        return 1;
    }
    if (x->op != IR_TUPLE || x->nargs < 1 || x->nargs > 32) return -1;
    for (int i = 0; i < x->nargs; i++)
        if ((slices[i] = fn->instrs[x->args[i]])->op != IR_SLICE) return -1;
    return x->nargs;
}

/* Does every use of v subscript a grid (directly, or as an element of a tuple that does)? */
static int feeds_grid(TypeInfo *ti, int v, int depth) {
    Function *fn = ti->fn;
    int seen = 0;
    for (int i = 0; i < fn->ninstrs; i++) {
        Instr *u = fn->instrs[i];
        if (!u) continue;
        for (int k = 0; k < u->nargs; k++) {
            if (u->args[k] != v) continue;
            seen = 1;
            if (u->op == IR_TUPLE && depth == 0) {
                int r = feeds_grid(ti, u->id, 1);
                if (r <= 0) return r;
            } else if (u->op == IR_GETITEM && k == 1) {
                const Type *g = ti->vtypes[u->args[0]];
                if (!g) return -1;
                if (!ti_is_grid(g)) return 0;
            } else {
                return 0;
            }
        }
    }
    return seen;
}

int ti_slice_feeds_grid(TypeInfo *ti, Instr *slice) { return feeds_grid(ti, slice->id, 0); }

const Type *ti_type_grid(TypeInfo *ti, Instr *in, const Type *grid) {
    const char *name = grid->builtin == BI_NP_MGRID ? "mgrid" : "ogrid";
    Instr *s[32];
    int n = ti_grid_slices(ti->fn, in, s);
    if (n < 0) return ERR(in, "np.%s[] takes slices written in the subscript (np.%s[0:5, 0:1:3j])", name, name), NULL;
    bool fl = false;
    for (int k = 0; k < n; k++)
        for (int p = 0; p < 3; p++) {
            const Type *t = ti->vtypes[s[k]->args[p]];
            if (!t) return NULL;
            if (p == 1 && t->kind == TY_NONE)
                return ERR(in, "np.%s[]: a slice needs its stop", name), NULL;
            if (t->kind == TY_NONE || ty_is_int(t) || t == ty_bool) continue;
            if (t == ty_float64 || (t == ty_complex128 && p == 2)) fl = true;
            else return ERR(in, "np.%s[]: a slice's %s cannot be %s", name, p == 2 ? "step" : p ? "stop" : "start", t->name), NULL;
        }
    int dt = fl ? DT_FLOAT64 : DT_INT64;
    if (in->args[1] == s[0]->id) return ty_array(dt, 1, 'C', false);   /* one slice, not a tuple */
    if (grid->builtin == BI_NP_MGRID) return ty_array(dt, n + 1, 'C', false);
    const Type *parts[32];
    for (int k = 0; k < n; k++) parts[k] = ty_array(dt, n, 'C', false);
    return ty_tuple(n, parts);
}
