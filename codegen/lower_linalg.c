/* lower_linalg.c: np.linalg beyond float64 solve/inv/det/norm, and @ / np.matmul on stacks of
 * matrices (typed in typeinfer/nplinalg.c and typeinfer/arrays.c).
 *
 * The decompositions call runtime/lapack.c with the operand converted to the dtype NumPy
 * computes in (float32, float64, complex64, complex128) and outputs allocated here; the shapes
 * are checked here, with NumPy's exceptions. Stacked matmul loops over the broadcast batch
 * dimensions and multiplies 2-d (or 1-d) views of each batch into the matching view of the
 * result (cg_product_into). matrix_power is NumPy's binary decomposition over three buffers.
 */
#include "lower.h"
#include <math.h>
#include <string.h>

static LLVMValueRef zero(Lower *L) { return i64c(L, 0); }
static LLVMValueRef eq(Lower *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildICmp(L->b, LLVMIntEQ, a, b, ""); }
static LLVMValueRef smin(Lower *L, LLVMValueRef a, LLVMValueRef b) {
    return LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, a, b, ""), a, b, "");
}
static bool given(CallInfo *ci, const Type **types, int i) { return ci->argmap[i] >= 0 && types[i]->kind != TY_NONE; }
static int real_of(int dt) { return dt == DT_COMPLEX64 ? DT_FLOAT32 : dt == DT_COMPLEX128 ? DT_FLOAT64 : dt; }
static LLVMValueRef kindc(Lower *L, int dt) { return LLVMConstInt(L->i32, (unsigned long long)cg_blas_kind(dt), 0); }

/* ---- stacked matmul ----------------------------------------------------------------------- */
typedef struct StackEnv {
    const Type *at, *bt, *rt, *av, *bv, *ov;
    LLVMValueRef a, b, out;
    int nb, ab, bb;   /* batch dims of the result, of a, of b */
} StackEnv;

/* The view of one batch of x (type t, nbx batch dims right-aligned to nb): its core dims. */
static LLVMValueRef batch_view(Lower *L, const Type *t, LLVMValueRef x, int nbx, int nb, LLVMValueRef *idx, const Type *vt) {
    LLVMValueRef off = zero(L), shape[2], strides[2];
    for (int k = 0; k < nbx; k++) {
        LLVMValueRef n = cg_arr_shape(L, x, k), i = idx[nb - nbx + k];
        i = LLVMBuildSelect(L->b, eq(L, n, i64c(L, 1)), zero(L), i, "");   /* a broadcast dimension */
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, i, cg_arr_stride(L, t, x, k), ""), "");
    }
    for (int k = 0; k < vt->ndim; k++) {
        shape[k] = cg_arr_shape(L, x, nbx + k);
        strides[k] = cg_arr_stride(L, t, x, nbx + k);
    }
    return cg_make_array(L, vt, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), cg_gep8(L, cg_arr_data(L, x), off), shape, strides);
}

static void stack_body(Lower *L, LLVMValueRef *idx, void *env) {
    StackEnv *E = env;
    LLVMValueRef a = batch_view(L, E->at, E->a, E->ab, E->nb, idx, E->av);
    LLVMValueRef b = batch_view(L, E->bt, E->b, E->bb, E->nb, idx, E->bv);
    LLVMValueRef o = batch_view(L, E->rt, E->out, E->nb, E->nb, idx, E->ov);
    cg_product_into(L, E->av, a, E->bv, b, E->ov, o);
}

LLVMValueRef cg_matmul_stack(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt) {
    int ac = at->ndim >= 2 ? 2 : 1, bc = bt->ndim >= 2 ? 2 : 1;   /* core dims */
    int oc = (ac == 2) + (bc == 2);
    StackEnv E = {.at = at, .bt = bt, .rt = rt, .a = a, .b = b, .ab = at->ndim - ac, .bb = bt->ndim - bc, .nb = rt->ndim - oc};
    E.av = ty_array(at->dtype, ac, 'A', false);
    E.bv = ty_array(bt->dtype, bc, 'A', false);
    E.ov = ty_array(rt->dtype, oc, 'A', false);
    LLVMValueRef shape[64], bad = LLVMConstInt(L->i1, 0, 0);
    for (int k = 0; k < E.nb; k++) {   /* broadcast the batch dims */
        int ka = k - (E.nb - E.ab), kb = k - (E.nb - E.bb);
        LLVMValueRef na = ka >= 0 ? cg_arr_shape(L, a, ka) : i64c(L, 1), nb = kb >= 0 ? cg_arr_shape(L, b, kb) : i64c(L, 1);
        LLVMValueRef ok = LLVMBuildOr(L->b, eq(L, na, nb), LLVMBuildOr(L->b, eq(L, na, i64c(L, 1)), eq(L, nb, i64c(L, 1)), ""), "");
        bad = LLVMBuildOr(L->b, bad, LLVMBuildNot(L->b, ok, ""), "");
        shape[k] = LLVMBuildSelect(L->b, eq(L, na, i64c(L, 1)), nb, na, "");
    }
    cg_raise_if(L, bad, "builtins:ValueError", "matmul: operands could not be broadcast together");
    cg_raise_unless(L, eq(L, cg_arr_shape(L, a, at->ndim - 1), cg_arr_shape(L, b, bt->ndim - bc)), "builtins:ValueError",
                    "matmul: Input operand 1 has a mismatch in its core dimension 0");
    int j = E.nb;
    if (ac == 2) shape[j++] = cg_arr_shape(L, a, at->ndim - 2);
    if (bc == 2) shape[j++] = cg_arr_shape(L, b, bt->ndim - 1);
    E.out = cg_alloc_array(L, rt, shape);
    cg_loop_nest(L, E.nb, shape, stack_body, &E);
    return E.out;
}

/* np.dot of N-d operands: out[a_lead..., b_lead..., n] = sum_k a[a_lead..., k] * b[b_lead..., k, n].
 * a's leading dims are one M-row matrix (a C copy unless a is C-contiguous), and each matrix of
 * b (k x n, or the vector b) multiplies it into the M x n slab of out at that matrix's index. */
typedef struct DotEnv {
    const Type *bt, *av, *bv, *ov;
    LLVMValueRef A, b, out, ostride;
    int nbb;
} DotEnv;

static void dot_body(Lower *L, LLVMValueRef *idx, void *env) {
    DotEnv *E = env;
    LLVMValueRef off = zero(L), flat = zero(L), shape[2], strides[2];
    for (int k = 0; k < E->nbb; k++) {
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[k], cg_arr_stride(L, E->bt, E->b, k), ""), "");
        flat = LLVMBuildAdd(L->b, LLVMBuildMul(L->b, flat, cg_arr_shape(L, E->b, k), ""), idx[k], "");
    }
    for (int k = 0; k < E->bv->ndim; k++) {
        shape[k] = cg_arr_shape(L, E->b, E->nbb + k);
        strides[k] = cg_arr_stride(L, E->bt, E->b, E->nbb + k);
    }
    LLVMValueRef bv = cg_make_array(L, E->bv, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), cg_gep8(L, cg_arr_data(L, E->b), off), shape, strides);
    /* the out slab: rows of a (stride: past every b matrix's row), columns of this b matrix */
    int isz = ty_dtypes[E->ov->dtype].size;   /* out has a row or a column dim (an operand is N-d) */
    LLVMValueRef n = E->bv->ndim == 2 ? shape[1] : i64c(L, 1), os[2], ost[2];
    int j = 0;
    if (E->av->ndim == 2) {
        os[j] = cg_arr_shape(L, E->A, 0);
        ost[j++] = E->ostride;
    }
    if (E->bv->ndim == 2) {
        os[j] = n;
        ost[j++] = i64c(L, isz);
    }
    LLVMValueRef od = cg_gep8(L, cg_arr_data(L, E->out), LLVMBuildMul(L->b, LLVMBuildMul(L->b, flat, n, ""), i64c(L, isz), ""));
    LLVMValueRef o = cg_make_array(L, E->ov, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), od, os, ost);
    cg_product_into(L, E->av, E->A, E->bv, bv, E->ov, o);
}

LLVMValueRef cg_dot_nd(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt) {
    int dt = rt->dtype, nla = at->ndim - 1, nbb = bt->ndim >= 2 ? bt->ndim - 2 : 0;
    LLVMValueRef k = cg_arr_shape(L, a, nla);
    cg_raise_unless(L, eq(L, k, cg_arr_shape(L, b, bt->ndim >= 2 ? bt->ndim - 2 : 0)), "builtins:ValueError", "shapes not aligned");
    const Type *ct = ty_array(at->dtype, at->ndim, 'C', false);
    LLVMValueRef ac = at->layout == 'C' && !at->unaligned ? a : cg_copy_array(L, at, a, ct);
    LLVMValueRef M = i64c(L, 1), shape[64];
    for (int d = 0; d < nla; d++) M = LLVMBuildMul(L->b, M, cg_arr_shape(L, a, d), "");
    int j = 0;
    for (int d = 0; d < nla; d++) shape[j++] = cg_arr_shape(L, a, d);
    for (int d = 0; d < bt->ndim; d++)
        if (d != (bt->ndim >= 2 ? bt->ndim - 2 : 0)) shape[j++] = cg_arr_shape(L, b, d);
    DotEnv E = {.bt = bt, .b = b, .nbb = nbb};
    E.av = ty_array(at->dtype, nla ? 2 : 1, 'A', false);
    E.bv = ty_array(bt->dtype, bt->ndim >= 2 ? 2 : 1, 'A', false);
    E.ov = ty_array(dt, (nla ? 1 : 0) + (bt->ndim >= 2 ? 1 : 0), 'A', false);
    LLVMValueRef ash[2] = {M, k}, ast[2] = {LLVMBuildMul(L->b, k, i64c(L, ty_dtypes[at->dtype].size), ""), i64c(L, ty_dtypes[at->dtype].size)};
    E.A = cg_make_array(L, E.av, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), cg_arr_data(L, ac), nla ? ash : ash + 1, nla ? ast : ast + 1);
    E.out = cg_alloc_array(L, rt, shape);
    LLVMValueRef per_row = i64c(L, ty_dtypes[dt].size);   /* the out row stride: every b matrix's n columns */
    for (int d = nla; d < rt->ndim; d++) per_row = LLVMBuildMul(L->b, per_row, shape[d], "");
    E.ostride = per_row;
    cg_loop_nest(L, nbb, shape + nla, dot_body, &E);
    return E.out;
}

/* ---- the decompositions --------------------------------------------------------------------- */
/* A matrix operand in dtype dt (copied when it is another), with its shape. */
static LLVMValueRef operand(Lower *L, const Type **t, LLVMValueRef v, int dt, LLVMValueRef *m, LLVMValueRef *n) {
    v = cg_as_dtype(L, t, v, dt);
    *m = cg_arr_shape(L, v, 0);
    if (n) *n = (*t)->ndim == 2 ? cg_arr_shape(L, v, 1) : i64c(L, 1);
    return v;
}

static void square(Lower *L, LLVMValueRef m, LLVMValueRef n) {
    cg_raise_unless(L, eq(L, m, n), "numpy.linalg:LinAlgError", "Last 2 dimensions of the array must be square");
}

/* (data, row stride, column stride) of a 1-d or 2-d array as the runtime takes a matrix */
static void mat_args(Lower *L, const Type *t, LLVMValueRef v, LLVMValueRef *out) {
    out[0] = cg_arr_data(L, v);
    out[1] = cg_arr_stride(L, t, v, 0);
    out[2] = t->ndim == 2 ? cg_arr_stride(L, t, v, 1) : zero(L);
}

/* solve(a, b) or inv(a) of one matrix, dtype dt: the checks, then the runtime's X = A^-1 B into
 * the n x nrhs view px (data, row and column stride); *nrhs is 1 for a 1-d b. */
static void solve_operands(Lower *L, int bid, int dt, const Type **types, LLVMValueRef *args, LLVMValueRef *n,
                           LLVMValueRef *nrhs, LLVMValueRef *pa, LLVMValueRef *pb) {
    const Type *at = types[0], *bt = bid == BI_LA_INV ? NULL : types[1];
    LLVMValueRef n2, a = operand(L, &at, args[0], dt, n, &n2);
    square(L, *n, n2);
    mat_args(L, at, a, pa);
    if (!bt) {
        *nrhs = *n;
        pb[0] = LLVMConstNull(L->ptr), pb[1] = pb[2] = zero(L);
        return;
    }
    LLVMValueRef nb, b = operand(L, &bt, args[1], dt, &nb, nrhs);
    cg_raise_unless(L, eq(L, nb, *n), "builtins:ValueError", "solve: Input operand 1 has a mismatch in its core dimension 0");
    mat_args(L, bt, b, pb);
}

static void solve_call(Lower *L, int dt, LLVMValueRef n, LLVMValueRef nrhs, LLVMValueRef *pa, LLVMValueRef *pb, LLVMValueRef *px) {
    LLVMTypeRef pt[12] = {L->i32, L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64};
    LLVMValueRef av[12] = {kindc(L, dt), n, nrhs, pa[0], pa[1], pa[2], pb[0], pb[1], pb[2], px[0], px[1], px[2]};
    cg_rt_check(L, "ember_rt_la_solve", pt, av, 12);
}

static LLVMValueRef la_solve(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret;
    int dt = rt->kind == TY_ARRAY ? rt->dtype : ti_linalg_dtype(types[0]->dtype);
    LLVMValueRef n, nrhs, pa[3], pb[3], px[3];
    solve_operands(L, ci->builtin, dt, types, args, &n, &nrhs, pa, pb);
    LLVMValueRef shape[2] = {n, nrhs};
    LLVMValueRef x = cg_alloc_array(L, rt, shape);
    mat_args(L, rt, x, px);
    solve_call(L, dt, n, nrhs, pa, pb, px);
    return x;
}

/* slogdet's (sign, log|det|): sign as the canonical scalar of dt. */
static void slogdet(Lower *L, const Type *at, LLVMValueRef a, int dt, LLVMValueRef *sign, LLVMValueRef *logdet) {
    LLVMValueRef n, n2, pa[3];
    a = operand(L, &at, a, dt, &n, &n2);
    square(L, n, n2);
    mat_args(L, at, a, pa);
    LLVMValueRef s = cg_entry_alloca(L, L->c128, "sign"), ld = cg_entry_alloca(L, L->f64, "logdet");
    LLVMTypeRef pt[7] = {L->i32, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->ptr};
    LLVMValueRef av[7] = {kindc(L, dt), n, pa[0], pa[1], pa[2], s, ld};
    cg_rt_check(L, "ember_rt_la_slogdet", pt, av, 7);
    *logdet = LLVMBuildLoad2(L->b, L->f64, ld, "");
    /* c128 holds {re, im} as two doubles: the canonical complex, or its real part */
    LLVMValueRef c = LLVMBuildLoad2(L->b, L->c128, s, "");
    *sign = ty_dtypes[dt].kind == 'c' ? c : LLVMBuildExtractValue(L->b, c, 0, "");
}

/* a value of dtype dt (canonical scalar) rounded as that dtype stores it */
static LLVMValueRef as_stored(Lower *L, LLVMValueRef v, int dt) {
    LLVMValueRef slot = cg_entry_alloca(L, L->c128, "round");
    cg_store_elem(L, dt, slot, v, ty_scalar_of(dt));
    return cg_load_elem(L, dt, slot);
}

static LLVMValueRef la_det(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, bool log) {
    int dt = ti_linalg_dtype(types[0]->dtype);
    LLVMValueRef sign, logdet;
    slogdet(L, types[0], args[0], dt, &sign, &logdet);
    if (log) {
        LLVMValueRef v = LLVMGetUndef(cg_type(L, ci->ret));
        v = LLVMBuildInsertValue(L->b, v, as_stored(L, sign, dt), 0, "");
        LLVMValueRef l = dt == DT_FLOAT32 || dt == DT_COMPLEX64 ? LLVMBuildFPExt(L->b, LLVMBuildFPTrunc(L->b, logdet, LLVMFloatTypeInContext(L->c), ""), L->f64, "") : logdet;
        return LLVMBuildInsertValue(L->b, v, l, 1, "");
    }
    LLVMValueRef e = cg_intrinsic1(L, "llvm.exp.f64", logdet);
    if (ty_dtypes[dt].kind != 'c') return as_stored(L, LLVMBuildFMul(L->b, sign, e, ""), dt);
    LLVMValueRef re = LLVMBuildFMul(L->b, LLVMBuildExtractValue(L->b, sign, 0, ""), e, "");
    LLVMValueRef im = LLVMBuildFMul(L->b, LLVMBuildExtractValue(L->b, sign, 1, ""), e, "");
    LLVMValueRef v = LLVMBuildInsertValue(L->b, LLVMGetUndef(L->c128), re, 0, "");
    return as_stored(L, LLVMBuildInsertValue(L->b, v, im, 1, ""), dt);
}

static LLVMValueRef la_cholesky(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *rt = ci->ret;
    LLVMValueRef n, n2, pa[3], po[3];
    LLVMValueRef a = operand(L, &at, args[0], rt->dtype, &n, &n2);
    square(L, n, n2);
    LLVMValueRef shape[2] = {n, n}, out = cg_alloc_array(L, rt, shape);
    mat_args(L, at, a, pa);
    mat_args(L, rt, out, po);
    LLVMTypeRef pt[8] = {L->i32, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64};
    LLVMValueRef av[8] = {kindc(L, rt->dtype), n, pa[0], pa[1], pa[2], po[0], po[1], po[2]};
    cg_rt_check(L, "ember_rt_la_cholesky", pt, av, 8);
    return out;
}

static LLVMValueRef la_eigh(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    bool vectors = ci->builtin == BI_LA_EIGH;
    const Type *wt = vectors ? ci->ret->elems[0] : ci->ret, *vt = vectors ? ci->ret->elems[1] : NULL, *at = types[0];
    int dt = ti_linalg_dtype(at->dtype);
    const char *uplo = given(ci, types, 1) ? ti_const_str(L->ti, in->args[ci->argmap[1]]) : "L";
    LLVMValueRef n, n2, pa[3], pv[3] = {LLVMConstNull(L->ptr), zero(L), zero(L)};
    LLVMValueRef a = operand(L, &at, args[0], dt, &n, &n2);
    square(L, n, n2);
    LLVMValueRef w = cg_alloc_array(L, wt, &n), v = NULL, shape[2] = {n, n};
    if (vectors) mat_args(L, vt, v = cg_alloc_array(L, vt, shape), pv);
    mat_args(L, at, a, pa);
    LLVMTypeRef pt[11] = {L->i32, L->i64, L->ptr, L->i64, L->i64, L->i32, L->ptr, L->i64, L->ptr, L->i64, L->i64};
    LLVMValueRef av[11] = {kindc(L, dt), n, pa[0], pa[1], pa[2], LLVMConstInt(L->i32, uplo[0] == 'U', 0), cg_arr_data(L, w),
                           i64c(L, ty_dtypes[wt->dtype].size), pv[0], pv[1], pv[2]};
    cg_rt_check(L, "ember_rt_la_eigh", pt, av, 11);
    if (!vectors) return w;
    LLVMValueRef r = LLVMBuildInsertValue(L->b, LLVMGetUndef(cg_type(L, ci->ret)), w, 0, "");
    return LLVMBuildInsertValue(L->b, r, v, 1, "");
}

/* The SVD of the matrix a (at, converted to its linalg dtype dt) into the new array s of type st
 * (the singular values, largest first), and where u is given into new u and vt of type mt
 * (full: m x m and n x n, else m x min(m, n) and min(m, n) x n). */
static LLVMValueRef svd_into(Lower *L, const Type *at, LLVMValueRef a, int dt, bool full, const Type *st,
                             const Type *mt, LLVMValueRef *u, LLVMValueRef *vt) {
    LLVMValueRef m, n, pa[3], pu[3] = {LLVMConstNull(L->ptr), zero(L), zero(L)}, pv[3] = {LLVMConstNull(L->ptr), zero(L), zero(L)};
    a = operand(L, &at, a, dt, &m, &n);
    LLVMValueRef mn = smin(L, m, n), s = cg_alloc_array(L, st, &mn);
    if (u) {
        LLVMValueRef us[2] = {m, full ? m : mn}, vs[2] = {full ? n : mn, n};
        mat_args(L, mt, *u = cg_alloc_array(L, mt, us), pu);
        mat_args(L, mt, *vt = cg_alloc_array(L, mt, vs), pv);
    }
    mat_args(L, at, a, pa);
    LLVMTypeRef pt[15] = {L->i32, L->i64, L->i64, L->ptr, L->i64, L->i64, L->i32, L->ptr, L->i64,
                          L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64};
    LLVMValueRef av[15] = {kindc(L, dt), m, n, pa[0], pa[1], pa[2], LLVMConstInt(L->i32, full, 0), cg_arr_data(L, s),
                           i64c(L, ty_dtypes[st->dtype].size), pu[0], pu[1], pu[2], pv[0], pv[1], pv[2]};
    cg_rt_check(L, "ember_rt_la_svd", pt, av, 15);
    return s;
}

/* np.linalg.svd(a, compute_uv=False) of a matrix of any dtype np.linalg takes: its singular
 * values, float32 for float32 and complex64 (LAPACK's single routines, as NumPy's), else
 * float64; *st their type. */
LLVMValueRef cg_svdvals(Lower *L, const Type *at, LLVMValueRef a, const Type **st) {
    int dt = ti_linalg_dtype(at->dtype);
    *st = ty_array(dt == DT_FLOAT32 || dt == DT_COMPLEX64 ? DT_FLOAT32 : DT_FLOAT64, 1, 'C', false);
    return svd_into(L, at, a, dt, false, *st, NULL, NULL, NULL);
}

static LLVMValueRef la_svd(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret;
    bool uv = rt->kind == TY_TUPLE;
    int dt = ti_linalg_dtype(types[0]->dtype);
    int64_t full = 1;
    if (given(ci, types, 1)) ti_const_int(L->ti, in->args[ci->argmap[1]], &full);
    LLVMValueRef u = NULL, vt = NULL;
    LLVMValueRef s = svd_into(L, types[0], args[0], dt, full != 0, uv ? rt->elems[1] : rt, ty_array(dt, 2, 'C', false),
                              uv ? &u : NULL, &vt);
    if (!uv) return s;
    LLVMValueRef parts[3] = {u, s, vt}, r = LLVMGetUndef(cg_type(L, rt));
    for (int i = 0; i < 3; i++) r = LLVMBuildInsertValue(L->b, r, parts[i], (unsigned)i, "");
    return r;
}

static LLVMValueRef la_qr(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret, *at = types[0];
    int dt = ti_linalg_dtype(at->dtype);
    const Type *mt = ty_array(dt, 2, 'C', false);
    LLVMValueRef m, n, pa[3], pq[3], pr[3];
    LLVMValueRef a = operand(L, &at, args[0], dt, &m, &n), mn = smin(L, m, n);
    LLVMValueRef qs[2] = {m, mn}, rs[2] = {mn, n};
    LLVMValueRef q = cg_alloc_array(L, mt, qs), r = cg_alloc_array(L, mt, rs);
    mat_args(L, at, a, pa);
    mat_args(L, mt, q, pq);
    mat_args(L, mt, r, pr);
    LLVMTypeRef pt[12] = {L->i32, L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64};
    LLVMValueRef av[12] = {kindc(L, dt), m, n, pa[0], pa[1], pa[2], pq[0], pq[1], pq[2], pr[0], pr[1], pr[2]};
    cg_rt_check(L, "ember_rt_la_qr", pt, av, 12);
    if (rt->kind != TY_TUPLE) return r;
    LLVMValueRef v = LLVMBuildInsertValue(L->b, LLVMGetUndef(cg_type(L, rt)), q, 0, "");
    return LLVMBuildInsertValue(L->b, v, r, 1, "");
}

static LLVMValueRef la_pinv_rank(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0];
    bool pinv = ci->builtin == BI_LA_PINV;
    int dt = ti_linalg_dtype(at->dtype);
    LLVMValueRef m, n, pa[3];
    LLVMValueRef a = operand(L, &at, args[0], dt, &m, &n);
    mat_args(L, at, a, pa);
    LLVMValueRef tol = given(ci, types, 1) ? cg_cast(L, args[1], types[1], ty_float64) : f64c(L, pinv ? 1e-15 : -1.0);
    if (pinv) {
        LLVMValueRef shape[2] = {n, m}, po[3];
        LLVMValueRef out = cg_alloc_array(L, ci->ret, shape);
        mat_args(L, ci->ret, out, po);
        LLVMTypeRef pt[10] = {L->i32, L->i64, L->i64, L->ptr, L->i64, L->i64, L->f64, L->ptr, L->i64, L->i64};
        LLVMValueRef av[10] = {kindc(L, dt), m, n, pa[0], pa[1], pa[2], tol, po[0], po[1], po[2]};
        cg_rt_check(L, "ember_rt_la_pinv", pt, av, 10);
        return out;
    }
    LLVMValueRef r = cg_entry_alloca(L, L->i64, "rank");
    LLVMTypeRef pt[8] = {L->i32, L->i64, L->i64, L->ptr, L->i64, L->i64, L->f64, L->ptr};
    LLVMValueRef av[8] = {kindc(L, dt), m, n, pa[0], pa[1], pa[2], tol, r};
    cg_rt_check(L, "ember_rt_la_rank", pt, av, 8);
    return LLVMBuildLoad2(L->b, L->i64, r, "");
}

static LLVMValueRef la_eig(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    bool vectors = ci->builtin == BI_LA_EIG;
    const Type *wt = vectors ? ci->ret->elems[0] : ci->ret, *vt = vectors ? ci->ret->elems[1] : NULL, *at = types[0];
    int dt = wt->dtype;
    LLVMValueRef n, n2, pa[3], pv[3] = {LLVMConstNull(L->ptr), zero(L), zero(L)};
    LLVMValueRef a = operand(L, &at, args[0], dt, &n, &n2);
    square(L, n, n2);
    LLVMValueRef w = cg_alloc_array(L, wt, &n), v = NULL, shape[2] = {n, n};
    if (vectors) mat_args(L, vt, v = cg_alloc_array(L, vt, shape), pv);
    mat_args(L, at, a, pa);
    LLVMTypeRef pt[10] = {L->i32, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->ptr, L->i64, L->i64};
    LLVMValueRef av[10] = {kindc(L, dt), n, pa[0], pa[1], pa[2], cg_arr_data(L, w), i64c(L, ty_dtypes[dt].size), pv[0], pv[1], pv[2]};
    cg_rt_check(L, "ember_rt_la_eig", pt, av, 10);
    if (!vectors) return w;
    LLVMValueRef r = LLVMBuildInsertValue(L->b, LLVMGetUndef(cg_type(L, ci->ret)), w, 0, "");
    return LLVMBuildInsertValue(L->b, r, v, 1, "");
}

/* lstsq: (x, residuals, rank, s); the residuals are empty unless the rank is n < m. */
static LLVMValueRef la_lstsq(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret, *xt = rt->elems[0], *st = rt->elems[1], *at = types[0], *bt = types[1];
    int dt = xt->dtype;
    LLVMValueRef m, n, mb, nrhs, pa[3], pb[3], px[3];
    LLVMValueRef a = operand(L, &at, args[0], dt, &m, &n), b = operand(L, &bt, args[1], dt, &mb, &nrhs);
    cg_raise_unless(L, eq(L, m, mb), "numpy.linalg:LinAlgError", "Incompatible dimensions");
    LLVMValueRef xs[2] = {n, nrhs}, mn = smin(L, m, n);
    LLVMValueRef x = cg_alloc_array(L, xt, xs), res = cg_alloc_array(L, st, &nrhs), s = cg_alloc_array(L, st, &mn);
    LLVMValueRef rcond;
    if (given(ci, types, 2)) {
        rcond = cg_cast(L, args[2], types[2], ty_float64);
    } else {   /* NumPy: eps of the dtype times max(m, n) */
        double eps = real_of(dt) == DT_FLOAT32 ? 1.1920928955078125e-07 : 2.220446049250313e-16;
        LLVMValueRef mx = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, m, n, ""), n, m, "");
        rcond = LLVMBuildFMul(L->b, f64c(L, eps), LLVMBuildSIToFP(L->b, mx, L->f64, ""), "");
    }
    mat_args(L, at, a, pa);
    mat_args(L, bt, b, pb);
    mat_args(L, xt, x, px);
    LLVMValueRef rank = cg_entry_alloca(L, L->i64, "rank");
    LLVMTypeRef pt[18] = {L->i32, L->i64, L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64, L->f64,
                          L->ptr, L->i64, L->i64, L->ptr, L->ptr, L->ptr, L->i64};
    LLVMValueRef av[18] = {kindc(L, dt), m, n, nrhs, pa[0], pa[1], pa[2], pb[0], pb[1], pb[2], rcond, px[0], px[1], px[2],
                           cg_arr_data(L, res), rank, cg_arr_data(L, s), i64c(L, ty_dtypes[st->dtype].size)};
    cg_rt_check(L, "ember_rt_la_lstsq", pt, av, 18);
    LLVMValueRef r = LLVMBuildLoad2(L->b, L->i64, rank, "");
    LLVMValueRef full = LLVMBuildAnd(L->b, eq(L, r, n), LLVMBuildICmp(L->b, LLVMIntSGT, m, n, ""), "");
    LLVMValueRef rlen = LLVMBuildSelect(L->b, full, nrhs, zero(L), ""), rstride = i64c(L, ty_dtypes[st->dtype].size);
    res = cg_make_array(L, st, cg_arr_meminfo(L, res), LLVMConstNull(L->ptr), cg_arr_data(L, res), &rlen, &rstride);
    LLVMValueRef parts[4] = {x, res, r, s}, v = LLVMGetUndef(cg_type(L, rt));
    for (int i = 0; i < 4; i++) v = LLVMBuildInsertValue(L->b, v, parts[i], (unsigned)i, "");
    return v;
}

/* dst = x @ y through the scratch matrix tmp (x or y may be dst). */
static void product_to(Lower *L, const Type *t, LLVMValueRef x, LLVMValueRef y, const Type *ct, LLVMValueRef tmp, LLVMValueRef dst) {
    cg_product_into(L, t, x, t, y, ct, tmp);
    cg_assign_noalias(L, t, dst, ct, tmp);
}

/* NumPy's matrix_power: z = a, a@a, (a@a)@(a@a)...; result = the product of the z at the set bits,
 * in that order; n == 0 the identity, n < 0 the inverse's power, n 1..3 as NumPy spells them. */
static LLVMValueRef la_matrix_power(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *rt = ci->ret, *ct = ty_array(rt->dtype, 2, 'C', false);
    int dt = rt->dtype;
    LLVMValueRef n = cg_cast(L, args[1], types[1], ty_int64);
    LLVMValueRef m = cg_arr_shape(L, args[0], 0);
    square(L, m, cg_arr_shape(L, args[0], 1));
    LLVMValueRef shape[2] = {m, m};
    LLVMValueRef z = cg_alloc_array(L, rt, shape), res = cg_alloc_array(L, rt, shape), tmp = cg_alloc_array(L, ct, shape);
    LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, n, zero(L), "");
    if (ty_dtypes[dt].kind == 'f' || ty_dtypes[dt].kind == 'c') {   /* z = inv(a) or a */
        LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(L->c, L->func, "inv"), no = LLVMAppendBasicBlockInContext(L->c, L->func, "noinv");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "zset");
        LLVMBuildCondBr(L->b, neg, yes, no);
        LLVMPositionBuilderAtEnd(L->b, yes);
        const Type *a2 = at;
        LLVMValueRef a = cg_as_dtype(L, &a2, args[0], dt), pa[3], pz[3];
        mat_args(L, a2, a, pa);
        mat_args(L, rt, z, pz);
        LLVMTypeRef pt[12] = {L->i32, L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64};
        if (dt == DT_FLOAT64) {
            LLVMTypeRef p7[7] = {L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64};
            LLVMValueRef v7[7] = {m, pa[0], pa[1], pa[2], pz[0], pz[1], pz[2]};
            cg_rt_check(L, "ember_rt_inv_f8", p7, v7, 7);   /* NumPy's own inv, bit for bit */
        } else {
            LLVMValueRef av[12] = {kindc(L, dt), m, m, pa[0], pa[1], pa[2], LLVMConstNull(L->ptr), zero(L), zero(L), pz[0], pz[1], pz[2]};
            cg_rt_check(L, "ember_rt_la_solve", pt, av, 12);
        }
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, no);
        cg_assign_noalias(L, rt, z, at, args[0]);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
    } else {
        cg_raise_if(L, neg, "builtins:ValueError", "matrix_power of an integer matrix to a negative power (its inverse is not integer)");
        cg_assign_noalias(L, rt, z, at, args[0]);
    }
    LLVMValueRef e = cg_entry_alloca(L, L->i64, "e"), have = cg_entry_alloca(L, L->i1, "have");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, neg, LLVMBuildNeg(L->b, n, ""), n, ""), e);
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), have);
    /* identity when n == 0 */
    cg_assign_noalias(L, rt, res, ty_bool, LLVMConstInt(L->i1, 0, 0));
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, m);
    LLVMValueRef idx[2] = {i, i};
    cg_store_elem(L, dt, cg_elem_ptr(L, rt, res, idx), LLVMConstInt(L->i1, 1, 0), ty_bool);
    cg_loop_end(L, &lc);
    /* while e > 0: (z = z @ z after the first round); if e odd: res = z or res @ z; e >>= 1 */
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(L->c, L->func, "pow"), body = LLVMAppendBasicBlockInContext(L->c, L->func, "powbody");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "powdone");
    LLVMValueRef first = cg_entry_alloca(L, L->i1, "first");
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, 1, 0), first);
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, head);
    LLVMValueRef ev = LLVMBuildLoad2(L->b, L->i64, e, "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, ev, zero(L), ""), body, done);
    LLVMPositionBuilderAtEnd(L->b, body);
    LLVMBasicBlockRef sq = LLVMAppendBasicBlockInContext(L->c, L->func, "square"), bit = LLVMAppendBasicBlockInContext(L->c, L->func, "bit");
    LLVMBuildCondBr(L->b, LLVMBuildLoad2(L->b, L->i1, first, ""), bit, sq);
    LLVMPositionBuilderAtEnd(L->b, sq);
    product_to(L, rt, z, z, ct, tmp, z);
    LLVMBuildBr(L->b, bit);
    LLVMPositionBuilderAtEnd(L->b, bit);
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), first);
    LLVMBasicBlockRef odd = LLVMAppendBasicBlockInContext(L->c, L->func, "odd"), next = LLVMAppendBasicBlockInContext(L->c, L->func, "shift");
    LLVMBuildCondBr(L->b, LLVMBuildTrunc(L->b, ev, L->i1, ""), odd, next);
    LLVMPositionBuilderAtEnd(L->b, odd);
    LLVMBasicBlockRef mulb = LLVMAppendBasicBlockInContext(L->c, L->func, "mulres"), setb = LLVMAppendBasicBlockInContext(L->c, L->func, "setres");
    LLVMBuildCondBr(L->b, LLVMBuildLoad2(L->b, L->i1, have, ""), mulb, setb);
    LLVMPositionBuilderAtEnd(L->b, mulb);
    product_to(L, rt, res, z, ct, tmp, res);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, setb);
    cg_assign_noalias(L, rt, res, rt, z);
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, 1, 0), have);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
    LLVMBuildStore(L->b, LLVMBuildAShr(L->b, ev, i64c(L, 1), ""), e);
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, done);
    return res;
}

/* ---- einsum -------------------------------------------------------------------------------- */
/* The letters are numbered output letters first, then the summed ones in order of appearance, so
 * the summed letters are the inner loops. One operand with its dimensions reordered is a view of it,
 * as NumPy returns; one operand with sums and no repeated letter is np.sum
 * over its summed dimensions (the same walks: rows of C and F arrays, pairwise lanes); a two-operand
 * contraction of the matrix-product form goes through BLAS; anything else is a loop nest over the
 * output's elements, each summed in a register, its last summed letter in NumPy's pairwise order
 * for floats and complex (as np.sum adds), or stored at once when nothing is summed. */
typedef struct Einsum {
    int nops, nl, no;             /* operands; distinct letters, the output's first; output letters */
    char letters[64];
    char ops[8][33], out[33];
    const Type **types, *rt, *ct;
    LLVMValueRef *args, size[64], idx[64], acc;
    LLVMValueRef out_arr;
} Einsum;

static int letter_of(Einsum *E, char c) { return (int)(strchr(E->letters, c) - E->letters); }

/* the operands' promoted dtype, the result's (a scalar result's type does not tell float32) */
static int einsum_dtype(Einsum *E) {
    int dt = E->types[1]->dtype;
    for (int i = 1; i < E->nops; i++) dt = ty_promote(dt, E->types[i + 1]->dtype);
    return dt;
}

/* the product of the operands at the letters' indices E->idx, in ct */
static LLVMValueRef einsum_prod(Lower *L, Einsum *E) {
    LLVMValueRef prod = NULL;
    L->numpy_sem = true;
    for (int i = 0; i < E->nops; i++) {
        const Type *t = E->types[i + 1];
        LLVMValueRef ix[33];
        for (int k = 0; k < t->ndim; k++) ix[k] = E->idx[letter_of(E, E->ops[i][k])];
        LLVMValueRef x = cg_cast(L, cg_load_elem(L, t->dtype, cg_elem_ptr(L, t, E->args[i + 1], ix)), ty_scalar_of(t->dtype), E->ct);
        prod = prod ? cg_binop(L, IRB_MUL, prod, x, E->ct, NULL) : x;
    }
    L->numpy_sem = false;
    return prod;
}

static LLVMValueRef einsum_add(Lower *L, Einsum *E, LLVMValueRef a, LLVMValueRef b) {
    L->numpy_sem = true;
    LLVMValueRef v = cg_binop(L, IRB_ADD, a, b, E->ct, NULL);
    L->numpy_sem = false;
    return v;
}

/* element i of the last summed letter: the product, a complex one as <2 x double> {re, im} */
static LLVMValueRef einsum_elem(Lower *L, LLVMValueRef i, void *env) {
    Einsum *E = env;
    E->idx[E->nl - 1] = i;
    LLVMValueRef p = einsum_prod(L, E);
    if (E->ct != ty_complex128) return p;
    LLVMValueRef v = LLVMGetUndef(LLVMVectorType(L->f64, 2));
    for (unsigned k = 0; k < 2; k++) v = LLVMBuildInsertElement(L->b, v, LLVMBuildExtractValue(L->b, p, k, ""), i64c(L, k), "");
    return v;
}

static void einsum_step(Lower *L, LLVMValueRef *idx, void *env) {   /* acc += the product (ints) */
    Einsum *E = env;
    E->idx[E->nl - 1] = idx[0];
    LLVMTypeRef t = cg_type(L, E->ct);
    LLVMBuildStore(L->b, einsum_add(L, E, LLVMBuildLoad2(L->b, t, E->acc, ""), einsum_prod(L, E)), E->acc);
}

/* acc += the sum over the last summed letter at the other letters' indices idx */
static void einsum_lane(Lower *L, LLVMValueRef *idx, void *env) {
    Einsum *E = env;
    for (int k = E->no; k < E->nl - 1; k++) E->idx[k] = idx[k - E->no];
    LLVMValueRef n = E->size[E->nl - 1], s;
    if (E->ct == ty_float64) {
        s = cg_pairwise_sum(L, L->f64, n, einsum_elem, E);
    } else if (E->ct == ty_complex128) {
        LLVMValueRef v = cg_pairwise_sum_complex(L, L->f64, n, einsum_elem, E);
        s = LLVMGetUndef(L->c128);
        for (unsigned k = 0; k < 2; k++) s = LLVMBuildInsertValue(L->b, s, LLVMBuildExtractElement(L->b, v, i64c(L, k), ""), k, "");
    } else {
        cg_loop_nest(L, 1, &E->size[E->nl - 1], einsum_step, E);
        return;
    }
    LLVMTypeRef t = cg_type(L, E->ct);
    LLVMBuildStore(L->b, einsum_add(L, E, LLVMBuildLoad2(L->b, t, E->acc, ""), s), E->acc);
}

/* one output element at the output letters' indices idx: the sum over the summed letters, or
 * the product itself when none is summed */
static void einsum_point(Lower *L, LLVMValueRef *idx, void *env) {
    Einsum *E = env;
    for (int k = 0; k < E->no; k++) E->idx[k] = idx[k];
    LLVMValueRef v;
    if (E->nl == E->no) {   /* added to +0.0, as NumPy adds to its zeroed output: -0.0 becomes +0.0 */
        v = einsum_add(L, E, LLVMConstNull(cg_type(L, E->ct)), einsum_prod(L, E));
    } else {
        LLVMTypeRef t = cg_type(L, E->ct);
        LLVMBuildStore(L->b, LLVMConstNull(t), E->acc);
        cg_loop_nest(L, E->nl - 1 - E->no, E->size + E->no, einsum_lane, E);
        v = LLVMBuildLoad2(L->b, t, E->acc, "");
    }
    if (E->no) cg_store_elem(L, E->rt->dtype, cg_elem_ptr(L, E->rt, E->out_arr, idx), v, E->ct);
}

/* The shape and strides of r (of type rt, its dimensions the letters `have`, 0 for a dimension
 * of one without a letter) with its dimensions in the output's order. */
static void output_dims(Lower *L, Einsum *E, const Type *rt, LLVMValueRef r, const char *have, LLVMValueRef *shape,
                        LLVMValueRef *strides) {
    for (int k = 0; k < E->no; k++) {
        int d = 0;
        while (have[d] != E->out[k]) d++;
        shape[k] = cg_arr_shape(L, r, d);
        strides[k] = cg_arr_stride(L, rt, r, d);
    }
}

/* r as the output, its dimensions in the output's order: r itself when they are, else a copy */
static LLVMValueRef in_output_order(Lower *L, Einsum *E, const Type *rt, LLVMValueRef r, const char *have) {
    int no = E->no;
    if (rt->ndim == no && !strncmp(have, E->out, (size_t)no)) return r;
    LLVMValueRef shape[33], strides[33];
    output_dims(L, E, rt, r, have, shape, strides);
    const Type *vt = ty_array(rt->dtype, no, 'A', false);
    LLVMValueRef v = cg_make_array(L, vt, cg_arr_meminfo(L, r), LLVMConstNull(L->ptr), cg_arr_data(L, r), shape, strides);
    return cg_copy_array(L, vt, v, E->rt);
}

/* One operand without a repeated letter, some of its letters summed: np.sum over those. NULL
 * for other subscripts. */
static LLVMValueRef einsum_sum(Lower *L, Einsum *E) {
    const char *a = E->ops[0];
    if (E->nops != 1 || E->nl == E->no) return NULL;
    for (int k = 0; a[k]; k++)
        if (strchr(a + k + 1, a[k])) return NULL;
    bool reduced[33];
    char kept[33];
    int nk = 0;
    for (int k = 0; a[k]; k++) {
        reduced[k] = !strchr(E->out, a[k]);
        if (!reduced[k]) kept[nk++] = a[k];
    }
    kept[nk] = 0;
    const Type *rt;
    LLVMValueRef r = cg_sum_dims(L, E->types[1], E->args[1], reduced, einsum_dtype(E), &rt);
    return nk ? in_output_order(L, E, rt, r, kept) : r;
}

/* A two-operand contraction with one summed letter, at most one batch, row and column letter, no repeated
 * letter: a (batched) matrix product of views, through BLAS for float and complex. NULL when the
 * subscripts do not have that form. */
static LLVMValueRef einsum_product(Lower *L, Einsum *E) {
    if (E->nops != 2) return NULL;
    const char *a = E->ops[0], *b = E->ops[1], *o = E->out;
    char cls[4] = {0, 0, 0, 0};   /* batch, m, n, k */
    for (int i = 0; i < E->nl; i++) {
        char c = E->letters[i];
        int ia = strchr(a, c) != NULL, ib = strchr(b, c) != NULL, io = strchr(o, c) != NULL;
        int k = ia && ib && io ? 0 : ia && !ib && io ? 1 : !ia && ib && io ? 2 : ia && ib && !io ? 3 : -1;
        if (k < 0 || cls[k]) return NULL;
        cls[k] = c;
    }
    if (!cls[3]) return NULL;   /* nothing summed (an outer product): the loop stores each product */
    for (int i = 0; i < 2; i++)
        for (int k = 0; E->ops[i][k]; k++)
            if (strchr(E->ops[i] + k + 1, E->ops[i][k])) return NULL;
    int dt = einsum_dtype(E);
    if (cg_blas_kind(dt) < 0) return NULL;
    bool batch = cls[0] != 0;
    int nd = batch ? 3 : 2;
    /* A as (batch, m, k), B as (batch, k, n): a missing letter is a dimension of 1 */
    const char want[2][3] = {{cls[0], cls[1], cls[3]}, {cls[0], cls[3], cls[2]}};
    LLVMValueRef views[2];
    const Type *vts[2];
    for (int i = 0; i < 2; i++) {
        const Type *t = E->types[i + 1];
        LLVMValueRef x = E->args[i + 1], shape[3], strides[3];
        for (int d = batch ? 0 : 1, j = 0; d < 3; d++, j++) {
            const char *pos = want[i][d] ? strchr(E->ops[i], want[i][d]) : NULL;
            shape[j] = pos ? cg_arr_shape(L, x, (int)(pos - E->ops[i])) : i64c(L, 1);
            strides[j] = pos ? cg_arr_stride(L, t, x, (int)(pos - E->ops[i])) : zero(L);
        }
        vts[i] = ty_view(t, t->dtype, nd, 'A');
        views[i] = cg_make_array(L, vts[i], cg_arr_meminfo(L, x), LLVMBuildExtractValue(L->b, x, 1, ""), cg_arr_data(L, x), shape, strides);
    }
    const Type *pt = ty_array(dt, nd, 'C', false);
    LLVMValueRef prod = batch ? cg_matmul_stack(L, vts[0], views[0], vts[1], views[1], pt)
                              : cg_product_into(L, vts[0], views[0], vts[1], views[1], pt, NULL);
    if (!E->no) return cg_load_elem(L, dt, cg_arr_data(L, prod));
    const char have[3] = {cls[0], cls[1], cls[2]};   /* the product's dims (batch, m, n) */
    return in_output_order(L, E, pt, prod, batch ? have : have + 1);
}

static LLVMValueRef np_einsum(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    Einsum E = {.nops = ci->nparams - 1, .types = types, .rt = ci->ret, .args = args};
    ti_einsum_parse(ti_const_str(L->ti, in->args[ci->argmap[0]]), E.nops, E.ops, E.out);
    strcpy(E.letters, E.out);
    E.nl = E.no = (int)strlen(E.out);
    for (int i = 0; i < E.nops; i++)
        for (int k = 0; E.ops[i][k]; k++)
            if (!strchr(E.letters, E.ops[i][k])) E.letters[E.nl++] = E.ops[i][k];
    E.ct = ty_scalar_of(einsum_dtype(&E));
    LLVMValueRef bad = LLVMConstInt(L->i1, 0, 0);
    for (int l = 0; l < E.nl; l++) E.size[l] = NULL;
    for (int i = 0; i < E.nops; i++)
        for (int k = 0; E.ops[i][k]; k++) {
            int l = letter_of(&E, E.ops[i][k]);
            LLVMValueRef n = cg_arr_shape(L, args[i + 1], k);
            if (E.size[l]) bad = LLVMBuildOr(L->b, bad, LLVMBuildICmp(L->b, LLVMIntNE, n, E.size[l], ""), "");
            else E.size[l] = n;
        }
    cg_raise_if(L, bad, "builtins:ValueError", "einsum: operands could not be broadcast together (a subscript's sizes differ)");
    if (ti_einsum_is_view(E.nops, E.ops, E.out)) {   /* the operand's dims reordered: a view */
        LLVMValueRef shape[33], strides[33];
        output_dims(L, &E, types[1], args[1], E.ops[0], shape, strides);
        return cg_make_array(L, E.rt, cg_arr_meminfo(L, args[1]), LLVMBuildExtractValue(L->b, args[1], 1, ""), cg_arr_data(L, args[1]), shape, strides);
    }
    LLVMValueRef r = einsum_sum(L, &E);
    if (!r) r = einsum_product(L, &E);
    if (r) return r;
    if (!E.nl) return einsum_add(L, &E, LLVMConstNull(cg_type(L, E.ct)), einsum_prod(L, &E));   /* 0-d operands */
    if (E.nl > E.no) E.acc = cg_entry_alloca(L, cg_type(L, E.ct), "einsum");
    if (!E.no) {
        einsum_point(L, NULL, &E);
        return LLVMBuildLoad2(L->b, cg_type(L, E.ct), E.acc, "");
    }
    E.out_arr = cg_alloc_array(L, E.rt, E.size);
    cg_loop_nest(L, E.no, E.size, einsum_point, &E);
    return E.out_arr;
}

/* ---- stacks of matrices ---------------------------------------------------------------------- */
/* A function over a stack of matrices: each matrix's result (computed as for 2-d operands, by
 * cg_nplib_call) goes to its place in each part of the result, whose leading dims are the
 * stack's. solve() broadcasts the stacks of a and b (a 1-d b is the same vector for each). */
typedef struct StackCall {
    Instr *in;
    CallInfo core;                /* the call for one matrix: its result type */
    LLVMValueRef *args, out[4];
    const Type **types, *av, *bv, *rt;   /* the views' types; the stacked result's */
    int nb, nparts;               /* the stack's dims; parts of the result (a tuple's, or 1) */
    bool stacked_b;               /* solve() with a b of 2 or more dims */
} StackCall;

static const Type *part_type(const Type *t, int i) { return t->kind == TY_TUPLE ? t->elems[i] : t; }

/* The address of element idx[0..nb) of the stacked result x (its leading nb dims). */
static LLVMValueRef slab(Lower *L, const Type *t, LLVMValueRef x, int nb, LLVMValueRef *idx) {
    LLVMValueRef off = zero(L);
    for (int k = 0; k < nb; k++) off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[k], cg_arr_stride(L, t, x, k), ""), "");
    return cg_gep8(L, cg_arr_data(L, x), off);
}

static void stack_call_body(Lower *L, LLVMValueRef *idx, void *env) {
    StackCall *E = env;
    LLVMValueRef args[16];
    const Type *types[16];
    for (int i = 0; i < E->core.nparams && i < 16; i++) args[i] = E->args[i], types[i] = E->types[i];
    args[0] = batch_view(L, E->types[0], E->args[0], E->types[0]->ndim - 2, E->nb, idx, E->av);
    types[0] = E->av;
    if (E->stacked_b) {
        args[1] = batch_view(L, E->types[1], E->args[1], E->types[1]->ndim - 2, E->nb, idx, E->bv);
        types[1] = E->bv;
    }
    int bid = E->core.builtin;
    if (bid == BI_LA_SOLVE || bid == BI_LA_INV) {   /* straight into the result's slab */
        const Type *rt = E->rt;
        LLVMValueRef n, nrhs, pa[3], pb[3], px[3];
        solve_operands(L, bid, rt->dtype, types, args, &n, &nrhs, pa, pb);
        px[0] = slab(L, rt, E->out[0], E->nb, idx);
        px[1] = cg_arr_stride(L, rt, E->out[0], E->nb);
        px[2] = rt->ndim > E->nb + 1 ? cg_arr_stride(L, rt, E->out[0], E->nb + 1) : zero(L);
        solve_call(L, rt->dtype, n, nrhs, pa, pb, px);
        return;
    }
    LLVMValueRef r = cg_nplib_call(L, E->in, &E->core, args, types);
    for (int p = 0; p < E->nparts; p++) {   /* this matrix's slab of each part */
        const Type *ct = part_type(E->core.ret, p), *rt = part_type(E->rt, p);
        LLVMValueRef rp = E->core.ret->kind == TY_TUPLE ? LLVMBuildExtractValue(L->b, r, (unsigned)p, "") : r;
        LLVMValueRef shape[64], strides[64], od = slab(L, rt, E->out[p], E->nb, idx);
        if (ct->kind != TY_ARRAY) {
            cg_store_elem(L, rt->dtype, od, rp, ct);
            continue;
        }
        for (int k = 0; k < ct->ndim; k++) {
            shape[k] = cg_arr_shape(L, E->out[p], E->nb + k);
            strides[k] = cg_arr_stride(L, rt, E->out[p], E->nb + k);
        }
        const Type *st = ty_array(rt->dtype, ct->ndim, 'A', false);
        cg_assign_noalias(L, st, cg_make_array(L, st, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), od, shape, strides), ct, rp);
    }
}

/* The dims one matrix (m x n; b's last dim nrhs) gives part p of the result: their count. */
static int core_dims(Lower *L, Instr *in, CallInfo *ci, const Type **types, int p, LLVMValueRef m, LLVMValueRef n,
                     LLVMValueRef nrhs, LLVMValueRef *d) {
    LLVMValueRef mn = smin(L, m, n);
    bool tuple = ci->ret->kind == TY_TUPLE;
    switch (ci->builtin) {
    case BI_LA_INV: case BI_LA_CHOLESKY: case BI_LA_MATRIX_POWER: d[0] = m, d[1] = m; return 2;
    case BI_LA_PINV: d[0] = n, d[1] = m; return 2;
    case BI_LA_EIGVALSH: case BI_LA_EIGVALS: d[0] = m; return 1;
    case BI_LA_EIGH: case BI_LA_EIG: d[0] = m, d[1] = m; return p + 1;
    case BI_LA_SOLVE: d[0] = m, d[1] = nrhs; return types[1]->ndim == 1 ? 1 : 2;
    case BI_LA_QR:
        if (tuple && p == 0) { d[0] = m, d[1] = mn; return 2; }
        d[0] = mn, d[1] = n;
        return 2;
    case BI_LA_SVD: {
        int64_t full = 1;
        if (given(ci, types, 1)) ti_const_int(L->ti, in->args[ci->argmap[1]], &full);
        if (!tuple || p == 1) { d[0] = mn; return 1; }
        if (p == 0) d[0] = m, d[1] = full ? m : mn;
        else d[0] = full ? n : mn, d[1] = n;
        return 2;
    }
    default: return 0;   /* det, slogdet, matrix_rank: numbers */
    }
}

static bool needs_square(int bid) {
    return bid == BI_LA_INV || bid == BI_LA_CHOLESKY || bid == BI_LA_DET || bid == BI_LA_SLOGDET || bid == BI_LA_EIG ||
           bid == BI_LA_EIGVALS || bid == BI_LA_EIGH || bid == BI_LA_EIGVALSH || bid == BI_LA_MATRIX_POWER || bid == BI_LA_SOLVE;
}

static LLVMValueRef stack_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *bt = ci->builtin == BI_LA_SOLVE ? types[1] : NULL, *rt = ci->ret;
    StackCall E = {.in = in, .core = *ci, .args = args, .types = types, .rt = rt, .stacked_b = bt && bt->ndim >= 2};
    E.nparts = rt->kind == TY_TUPLE ? rt->n : 1;
    E.nb = E.stacked_b && bt->ndim > at->ndim ? bt->ndim - 2 : at->ndim - 2;
    E.av = ty_view(at, at->dtype, 2, 'A');
    if (E.stacked_b) E.bv = ty_view(bt, bt->dtype, 2, 'A');
    const Type *cparts[4];
    for (int p = 0; p < E.nparts; p++) {
        const Type *t = part_type(rt, p);
        int cnd = t->ndim - E.nb;
        cparts[p] = cnd ? ty_array(t->dtype, cnd, 'C', false)
                        : ci->builtin == BI_LA_SLOGDET && p == 1 ? ty_float64 : ty_scalar_of(t->dtype);
    }
    E.core.ret = rt->kind == TY_TUPLE ? ty_tuple(E.nparts, cparts) : cparts[0];
    /* the stack's shape: a's leading dims, broadcast with b's for solve() */
    LLVMValueRef shape[64], bad = LLVMConstInt(L->i1, 0, 0), one = i64c(L, 1);
    int na = at->ndim - 2, nbb = E.stacked_b ? bt->ndim - 2 : 0;
    for (int k = 0; k < E.nb; k++) {
        int ka = k - (E.nb - na), kb = k - (E.nb - nbb);
        LLVMValueRef sa = ka >= 0 ? cg_arr_shape(L, args[0], ka) : one, sb = kb >= 0 && E.stacked_b ? cg_arr_shape(L, args[1], kb) : one;
        bad = LLVMBuildOr(L->b, bad, LLVMBuildNot(L->b, LLVMBuildOr(L->b, eq(L, sa, sb), LLVMBuildOr(L->b, eq(L, sa, one), eq(L, sb, one), ""), ""), ""), "");
        shape[k] = LLVMBuildSelect(L->b, eq(L, sa, one), sb, sa, "");
    }
    if (E.stacked_b) cg_raise_if(L, bad, "builtins:ValueError", "solve: operands could not be broadcast together");
    LLVMValueRef m = cg_arr_shape(L, args[0], at->ndim - 2), n = cg_arr_shape(L, args[0], at->ndim - 1);
    if (needs_square(ci->builtin)) square(L, m, n);
    LLVMValueRef nrhs = E.stacked_b ? cg_arr_shape(L, args[1], bt->ndim - 1) : one;
    if (bt) {   /* b's rows (its core dim 0) must be a's */
        LLVMValueRef mb = cg_arr_shape(L, args[1], bt->ndim == 1 ? 0 : bt->ndim - 2);
        cg_raise_unless(L, eq(L, mb, m), "builtins:ValueError", "solve: Input operand 1 has a mismatch in its core dimension 0");
    }
    LLVMValueRef outs[4];
    for (int p = 0; p < E.nparts; p++) {
        LLVMValueRef d[2];
        int cnd = core_dims(L, in, ci, types, p, m, n, nrhs, d);
        for (int k = 0; k < cnd; k++) shape[E.nb + k] = d[k];
        outs[p] = E.out[p] = cg_alloc_array(L, part_type(rt, p), shape);
    }
    cg_loop_nest(L, E.nb, shape, stack_call_body, &E);
    if (rt->kind != TY_TUPLE) return outs[0];
    LLVMValueRef r = LLVMGetUndef(cg_type(L, rt));
    for (int p = 0; p < E.nparts; p++) r = LLVMBuildInsertValue(L->b, r, outs[p], (unsigned)p, "");
    return r;
}

/* ---- dispatch ----------------------------------------------------------------------------- */
LLVMValueRef cg_linalg_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    if (ci->builtin != BI_NP_EINSUM && types[0]->kind == TY_ARRAY &&
        (types[0]->ndim > 2 || (ci->builtin == BI_LA_SOLVE && types[1]->ndim > 2)))
        return stack_call(L, in, ci, args, types);
    switch (ci->builtin) {
    case BI_LA_SOLVE: case BI_LA_INV: return la_solve(L, ci, args, types);
    case BI_LA_DET: return la_det(L, ci, args, types, false);
    case BI_LA_SLOGDET: return la_det(L, ci, args, types, true);
    case BI_LA_CHOLESKY: return la_cholesky(L, ci, args, types);
    case BI_LA_EIGH: case BI_LA_EIGVALSH: return la_eigh(L, in, ci, args, types);
    case BI_LA_SVD: return la_svd(L, in, ci, args, types);
    case BI_LA_QR: return la_qr(L, ci, args, types);
    case BI_LA_PINV: case BI_LA_MATRIX_RANK: return la_pinv_rank(L, ci, args, types);
    case BI_LA_MATRIX_POWER: return la_matrix_power(L, ci, args, types);
    case BI_LA_EIG: case BI_LA_EIGVALS: return la_eig(L, ci, args, types);
    case BI_LA_LSTSQ: return la_lstsq(L, ci, args, types);
    case BI_NP_EINSUM: return np_einsum(L, in, ci, args, types);
    }
    return NULL;
}
