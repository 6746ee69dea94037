/* lower_grid.c: np.mgrid[...] and np.ogrid[...] (typed in typeinfer/grid.c), as NumPy's
 * nd_grid computes them: for each slice start:stop:step, a length n and a step d, where
 *   - a complex step gives n = int(|step|) points and d = (stop - start) / (n - 1) (d = 1 for n 1);
 *   - a real step gives n = ceil((stop - start) / step) (in float64, as NumPy's math.ceil) and d = step;
 * and the values start + i * d (float64 if any part of any slice is not an int, else int64). One
 * slice is np.arange(start, stop, step) (NumPy's own fill) or, for a complex step, its n points.
 * mgrid stacks the k grids (shape (k, n0, ..., nk-1)); ogrid gives each as a k-d array that is
 * n_i long along dim i only. A negative length is ValueError for mgrid (np.indices refuses it)
 * and empty for ogrid (np.arange(n) is).
 */
#include "lower.h"

typedef struct GridDim {
    LLVMValueRef n, start, step;   /* length, and start and step in the result's value type */
} GridDim;

typedef struct GridEnv {
    const Type *rt, *vt;           /* the array written; int64 or float64 */
    LLVMValueRef out;
    GridDim *g;
    int k, nd;                     /* the grid written; dims looped over (mgrid: all, ogrid: 1) */
    bool sparse;
} GridEnv;

static LLVMValueRef value(Lower *L, const GridEnv *E, LLVMValueRef i) {
    const GridDim *g = &E->g[E->k];
    if (E->vt == ty_int64) return LLVMBuildAdd(L->b, LLVMBuildMul(L->b, i, g->step, ""), g->start, "");
    return LLVMBuildFAdd(L->b, LLVMBuildFMul(L->b, LLVMBuildSIToFP(L->b, i, L->f64, ""), g->step, ""), g->start, "");
}

static void grid_body(Lower *L, LLVMValueRef *idx, void *env) {
    GridEnv *E = env;
    LLVMValueRef off, i;
    if (E->sparse) {   /* grid k of ogrid: along its dim k */
        i = idx[0];
        off = LLVMBuildMul(L->b, i, cg_arr_stride(L, E->rt, E->out, E->k), "");
    } else {           /* out[k, i0, ..., i(nd-1)] = value(i_k) */
        i = idx[E->k];
        off = LLVMBuildMul(L->b, i64c(L, E->k), cg_arr_stride(L, E->rt, E->out, 0), "");
        for (int j = 0; j < E->nd; j++)
            off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[j], cg_arr_stride(L, E->rt, E->out, j + 1), ""), "");
    }
    cg_store_elem(L, E->rt->dtype, cg_gep8(L, cg_arr_data(L, E->out), off), value(L, E, i), E->vt);
}

static LLVMValueRef part(Lower *L, Instr *s, int p, const Type *vt, double dflt) {
    const Type *t = L->ti->vtypes[s->args[p]];
    if (t->kind == TY_NONE) return vt == ty_int64 ? i64c(L, (long long)dflt) : f64c(L, dflt);
    return cg_cast(L, L->vals[s->args[p]], t, vt);
}

/* A float64 count converted to int64: ValueError for NaN, OverflowError beyond int64 (as int()). */
static LLVMValueRef count_of(Lower *L, LLVMValueRef c) {
    cg_raise_if(L, LLVMBuildFCmp(L->b, LLVMRealUNO, c, c, ""), "builtins:ValueError", "cannot convert float NaN to integer");
    LLVMValueRef big = LLVMBuildFCmp(L->b, LLVMRealOGE, cg_intrinsic1(L, "llvm.fabs.f64", c), f64c(L, 9223372036854775808.0), "");
    cg_raise_if(L, big, "builtins:OverflowError", "cannot convert float infinity to integer");
    return LLVMBuildFPToSI(L->b, c, L->i64, "");
}

/* Slice s's length and step (GridDim) for a grid of value type vt. */
static GridDim dim_of(Lower *L, Instr *s, const Type *vt, bool sparse, bool one) {
    GridDim g;
    const Type *st = L->ti->vtypes[s->args[2]];
    g.start = part(L, s, 0, vt, 0);
    LLVMValueRef stop = part(L, s, 1, vt, 0);
    if (st == ty_complex128) {   /* n points, stop included */
        LLVMValueRef z = L->vals[s->args[2]];
        LLVMValueRef mag = cg_call(L, "hypot", L->f64, (LLVMTypeRef[]){L->f64, L->f64},
                                   (LLVMValueRef[]){LLVMBuildExtractValue(L->b, z, 0, ""), LLVMBuildExtractValue(L->b, z, 1, "")}, 2);
        g.n = count_of(L, cg_intrinsic1(L, "llvm.trunc.f64", mag));
        LLVMValueRef nm1 = LLVMBuildSIToFP(L->b, LLVMBuildSub(L->b, g.n, i64c(L, 1), ""), L->f64, "");
        LLVMValueRef d = LLVMBuildFDiv(L->b, LLVMBuildFSub(L->b, stop, g.start, ""), nm1, "");
        g.step = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, g.n, i64c(L, 1), ""), f64c(L, 1), d, "");
        return g;
    }
    g.step = part(L, s, 2, vt, 1);
    if (one) return g;   /* np.arange's length, in cg_arange */
    LLVMValueRef diff = vt == ty_int64 ? LLVMBuildSIToFP(L->b, LLVMBuildSub(L->b, stop, g.start, ""), L->f64, "")
                                      : LLVMBuildFSub(L->b, stop, g.start, "");
    LLVMValueRef step = vt == ty_int64 ? LLVMBuildSIToFP(L->b, g.step, L->f64, "") : g.step;
    cg_raise_if(L, LLVMBuildFCmp(L->b, LLVMRealOEQ, step, f64c(L, 0), ""), "builtins:ZeroDivisionError", "float division by zero");
    g.n = count_of(L, cg_intrinsic1(L, "llvm.ceil.f64", LLVMBuildFDiv(L->b, diff, step, "")));
    LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, g.n, i64c(L, 0), "");
    if (sparse) g.n = LLVMBuildSelect(L->b, neg, i64c(L, 0), g.n, "");
    else cg_raise_if(L, neg, "builtins:ValueError", "negative dimensions are not allowed");
    return g;
}

LLVMValueRef cg_grid(Lower *L, Instr *in) {
    Instr *s[32];
    int n = ti_grid_slices(L->ti->fn, in, s);
    const Type *rt = L->ti->vtypes[in->id], *at = rt->kind == TY_TUPLE ? rt->elems[0] : rt;
    const Type *vt = at->dtype == DT_FLOAT64 ? ty_float64 : ty_int64;
    bool sparse = L->ti->vtypes[in->args[0]]->builtin == BI_NP_OGRID, one = in->args[1] == s[0]->id;
    GridDim g[32];
    for (int k = 0; k < n; k++) g[k] = dim_of(L, s[k], vt, sparse, one);
    if (one && L->ti->vtypes[s[0]->args[2]] != ty_complex128)
        return cg_arange(L, rt, vt, g[0].start, part(L, s[0], 1, vt, 0), g[0].step);
    GridEnv E = {.rt = at, .vt = vt, .g = g, .sparse = sparse && !one, .nd = n};
    LLVMValueRef shape[33];
    if (one) {
        E.out = cg_alloc_array(L, rt, &g[0].n);
        E.sparse = true;
        cg_loop_nest(L, 1, &g[0].n, grid_body, &E);
        return E.out;
    }
    if (!sparse) {
        shape[0] = i64c(L, n);
        for (int k = 0; k < n; k++) shape[k + 1] = g[k].n;
        E.out = cg_alloc_array(L, rt, shape);
        for (E.k = 0; E.k < n; E.k++) cg_loop_nest(L, n, shape + 1, grid_body, &E);
        return E.out;
    }
    LLVMValueRef r = LLVMGetUndef(cg_type(L, rt));
    for (E.k = 0; E.k < n; E.k++) {
        for (int j = 0; j < n; j++) shape[j] = j == E.k ? g[j].n : i64c(L, 1);
        E.out = cg_alloc_array(L, at, shape);
        cg_loop_nest(L, 1, &g[E.k].n, grid_body, &E);
        r = LLVMBuildInsertValue(L->b, r, E.out, (unsigned)E.k, "");
    }
    return r;
}
