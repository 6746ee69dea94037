/* lower_npshape.c: NumPy's shape and assembly functions in generated code (typed in
 * typeinfer/npshape.c).
 *
 * How: an array value is (meminfo, parent, data, shape[], strides[]), so most of these are
 * arithmetic on a Dims (data pointer, shape, byte strides) followed by cg_make_array over the
 * source's memory: flips negate a stride and move the data pointer to the last element, axis
 * permutations reorder the dims, broadcast_to sets strides to 0, a diagonal's stride is the sum
 * of two. Functions that build arrays allocate the result and fill it through such views with
 * cg_assign_noalias (the fused, broadcasting copy loop): tile views the output as
 * (reps0, n0, reps1, n1, ...) and the input as (0-stride, n0, ...); repeat views the output
 * axis as (n, r) and the input as (n, 0-stride); stacking assigns each input into its slab of
 * the output; pad fills the constant, copies the centre, then copies edge or wrapped slabs
 * axis by axis. Run-time axis numbers (swapaxes, rot90's k) pick dims with select chains.
 */
#include "lower.h"
#include <math.h>
#include <string.h>

typedef struct Dims {
    int nd;
    LLVMValueRef data, shape[64], strides[64];
} Dims;

static LLVMValueRef zero(Lower *L) { return i64c(L, 0); }
static LLVMValueRef isz(Lower *L, int dt) { return i64c(L, ty_dtypes[dt].size); }
static LLVMValueRef slt(Lower *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildICmp(L->b, LLVMIntSLT, a, b, ""); }
static LLVMValueRef smax(Lower *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildSelect(L->b, slt(L, a, b), b, a, ""); }
static LLVMValueRef smin(Lower *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildSelect(L->b, slt(L, a, b), a, b, ""); }
static LLVMValueRef add(Lower *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildAdd(L->b, a, b, ""); }
static LLVMValueRef mul(Lower *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildMul(L->b, a, b, ""); }
static LLVMValueRef to_i64(Lower *L, LLVMValueRef v, const Type *t) { return cg_cast(L, v, t, ty_int64); }
static bool given(CallInfo *ci, const Type **types, int i) { return ci->argmap[i] >= 0 && types[i]->kind != TY_NONE; }

static void dims_of(Lower *L, const Type *t, LLVMValueRef a, Dims *D) {
    D->nd = t->ndim;
    D->data = cg_arr_data(L, a);
    for (int k = 0; k < t->ndim; k++) {
        D->shape[k] = cg_arr_shape(L, a, k);
        D->strides[k] = cg_arr_stride(L, t, a, k);
    }
}

/* A view of a's memory (a's meminfo and parent) described by D, of type rt. */
static LLVMValueRef view_of(Lower *L, const Type *rt, LLVMValueRef a, Dims *D) {
    return cg_make_array(L, rt, cg_arr_meminfo(L, a), LLVMBuildExtractValue(L->b, a, 1, ""), D->data, D->shape, D->strides);
}

/* A view nobody owns (of memory the frame already holds), for copying through. */
static LLVMValueRef temp_view(Lower *L, int dt, Dims *D) {
    return cg_make_array(L, ty_array(dt, D->nd, 'A', false), LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), D->data, D->shape,
                         D->strides);
}

/* data + off where the view is not empty (an empty view keeps its pointer). */
static void move_data(Lower *L, Dims *D, LLVMValueRef off, LLVMValueRef nonempty) {
    D->data = cg_gep8(L, D->data, LLVMBuildSelect(L->b, nonempty, off, zero(L), ""));
}

static void flip_axis(Lower *L, Dims *D, int k) {
    LLVMValueRef n = D->shape[k];
    move_data(L, D, mul(L, LLVMBuildSub(L->b, n, i64c(L, 1), ""), D->strides[k]), slt(L, zero(L), n));
    D->strides[k] = LLVMBuildNeg(L->b, D->strides[k], "");
}

static void permute(Dims *D, const int *order) {
    Dims s = *D;
    for (int k = 0; k < D->nd; k++) {
        D->shape[k] = s.shape[order[k]];
        D->strides[k] = s.strides[order[k]];
    }
}

/* vals[i] for a run-time i in [0, n): a chain of selects. */
static LLVMValueRef pick(Lower *L, LLVMValueRef *vals, int n, LLVMValueRef i) {
    LLVMValueRef r = vals[0];
    for (int k = 1; k < n; k++) r = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, i, i64c(L, k), ""), vals[k], r, "");
    return r;
}

/* A run-time axis made non-negative; AxisError unless -nd <= ax < nd. */
static LLVMValueRef checked_axis(Lower *L, LLVMValueRef ax, int nd) {
    ax = LLVMBuildSelect(L->b, slt(L, ax, zero(L)), add(L, ax, i64c(L, nd)), ax, "");
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntUGE, ax, i64c(L, nd), ""), "numpy.exceptions:AxisError",
                "axis is out of bounds for array");
    return ax;
}

/* x mod n in [0, n) for n > 0 (0 when n is 0). */
static LLVMValueRef pymod(Lower *L, LLVMValueRef x, LLVMValueRef n) {
    LLVMValueRef z = LLVMBuildICmp(L->b, LLVMIntEQ, n, zero(L), "");
    LLVMValueRef d = LLVMBuildSelect(L->b, z, i64c(L, 1), n, "");
    LLVMValueRef r = LLVMBuildSRem(L->b, x, d, "");
    r = LLVMBuildSelect(L->b, slt(L, r, zero(L)), add(L, r, d), r, "");
    return LLVMBuildSelect(L->b, z, zero(L), r, "");
}

/* The compile-time axes of parameter i, normalised for nd dimensions (typing checked them). */
static int axes_of(Lower *L, Instr *in, CallInfo *ci, int i, int nd, int *axes) {
    int64_t raw[64];
    int n = ti_const_ints(L->ti, in->args[ci->argmap[i]], raw, 64);
    for (int k = 0; k < n; k++) axes[k] = (int)(raw[k] < 0 ? raw[k] + nd : raw[k]);
    return n;
}

static int axis_or(Lower *L, Instr *in, CallInfo *ci, const Type **types, int i, int nd, int dflt) {
    int ax[64];
    return given(ci, types, i) && axes_of(L, in, ci, i, nd, ax) == 1 ? ax[0] : dflt;
}

/* The values of an int or a tuple of ints; their count. */
static int int_values(Lower *L, const Type *t, LLVMValueRef v, LLVMValueRef *out) {
    if (t->kind != TY_TUPLE) {
        out[0] = to_i64(L, v, t);
        return 1;
    }
    for (int k = 0; k < t->n; k++) out[k] = to_i64(L, LLVMBuildExtractValue(L->b, v, (unsigned)k, ""), t->elems[k]);
    return t->n;
}

static LLVMValueRef make_tuple(Lower *L, const Type *tt, LLVMValueRef *vals) {
    LLVMValueRef v = LLVMGetUndef(cg_type(L, tt));
    for (int i = 0; i < tt->n; i++) v = LLVMBuildInsertValue(L->b, v, vals[i], (unsigned)i, "");
    return v;
}

/* A new array of type rt and shape[], filled with the value v of type vt. */
static LLVMValueRef filled(Lower *L, const Type *rt, LLVMValueRef *shape, const Type *vt, LLVMValueRef v) {
    LLVMValueRef out = cg_alloc_array(L, rt, shape);
    cg_assign_noalias(L, rt, out, vt, v);
    return out;
}

/* A fresh copy of a as one C-ordered lane (its elements in C order), as Dims of one dim. */
static void flat_c(Lower *L, const Type *at, LLVMValueRef a, Dims *D) {
    if (at->ndim == 1) {
        dims_of(L, at, a, D);
        return;
    }
    const Type *ct = ty_array(at->dtype, at->ndim, 'C', false);
    LLVMValueRef c = cg_copy_array(L, at, a, ct);
    D->nd = 1;
    D->data = cg_arr_data(L, c);
    D->shape[0] = cg_array_size(L, ct, c);
    D->strides[0] = isz(L, at->dtype);
}

/* ---- views ------------------------------------------------------------------------- */
static LLVMValueRef np_flip(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    Dims D;
    dims_of(L, types[0], args[0], &D);
    int axes[64], n;
    if (ci->builtin == BI_NP_FLIPLR) {
        axes[0] = 1;
        n = 1;
    } else if (ci->builtin == BI_NP_FLIPUD) {
        axes[0] = 0;
        n = 1;
    } else if (given(ci, types, 1)) {
        n = axes_of(L, in, ci, 1, D.nd, axes);
    } else {
        for (n = 0; n < D.nd; n++) axes[n] = n;
    }
    for (int k = 0; k < n; k++) flip_axis(L, &D, axes[k]);
    return view_of(L, ci->ret, args[0], &D);
}

/* NumPy's rot90: k % 4 == 1 transposes the flipped axes[1], 3 flips the transpose, 2 flips both. */
static LLVMValueRef np_rot90(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    int ax[2] = {0, 1}, nd = types[0]->ndim, order[64];
    if (given(ci, types, 2)) axes_of(L, in, ci, 2, nd, ax);
    for (int k = 0; k < nd; k++) order[k] = k;
    order[ax[0]] = ax[1];
    order[ax[1]] = ax[0];
    Dims v[4];
    dims_of(L, types[0], args[0], &v[0]);
    v[1] = v[2] = v[0];
    flip_axis(L, &v[1], ax[1]);
    permute(&v[1], order);
    flip_axis(L, &v[2], ax[0]);
    flip_axis(L, &v[2], ax[1]);
    v[3] = v[0];
    permute(&v[3], order);
    flip_axis(L, &v[3], ax[1]);
    LLVMValueRef k = given(ci, types, 1) ? pymod(L, to_i64(L, args[1], types[1]), i64c(L, 4)) : i64c(L, 1);
    Dims D;
    D.nd = nd;
    LLVMValueRef datas[4] = {v[0].data, v[1].data, v[2].data, v[3].data};
    D.data = pick(L, datas, 4, k);
    for (int d = 0; d < nd; d++) {
        LLVMValueRef sh[4] = {v[0].shape[d], v[1].shape[d], v[2].shape[d], v[3].shape[d]};
        LLVMValueRef st[4] = {v[0].strides[d], v[1].strides[d], v[2].strides[d], v[3].strides[d]};
        D.shape[d] = pick(L, sh, 4, k);
        D.strides[d] = pick(L, st, 4, k);
    }
    return view_of(L, ci->ret, args[0], &D);
}

static LLVMValueRef np_swapaxes(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    Dims D, S;
    dims_of(L, types[0], args[0], &S);
    D = S;
    int nd = S.nd;
    LLVMValueRef i = checked_axis(L, to_i64(L, args[1], types[1]), nd), j = checked_axis(L, to_i64(L, args[2], types[2]), nd);
    LLVMValueRef si = pick(L, S.shape, nd, i), sj = pick(L, S.shape, nd, j);
    LLVMValueRef ti = pick(L, S.strides, nd, i), tj = pick(L, S.strides, nd, j);
    for (int k = 0; k < nd; k++) {
        LLVMValueRef is_i = LLVMBuildICmp(L->b, LLVMIntEQ, i, i64c(L, k), ""), is_j = LLVMBuildICmp(L->b, LLVMIntEQ, j, i64c(L, k), "");
        D.shape[k] = LLVMBuildSelect(L->b, is_i, sj, LLVMBuildSelect(L->b, is_j, si, S.shape[k], ""), "");
        D.strides[k] = LLVMBuildSelect(L->b, is_i, tj, LLVMBuildSelect(L->b, is_j, ti, S.strides[k], ""), "");
    }
    return view_of(L, ci->ret, args[0], &D);
}

static LLVMValueRef np_moveaxis(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    int nd = types[0]->ndim, src[64], dst[64], order[64], n = axes_of(L, in, ci, 1, nd, src);
    axes_of(L, in, ci, 2, nd, dst);
    /* NumPy: the axes not moved keep their order; each source goes to its destination */
    bool moved[64] = {0}, taken[64] = {0};
    for (int k = 0; k < n; k++) {
        order[dst[k]] = src[k];
        moved[src[k]] = taken[dst[k]] = true;
    }
    int next = 0;
    for (int k = 0; k < nd; k++) {
        if (taken[k]) continue;
        while (moved[next]) next++;
        order[k] = next++;
    }
    Dims D;
    dims_of(L, types[0], args[0], &D);
    permute(&D, order);
    return view_of(L, ci->ret, args[0], &D);
}

static LLVMValueRef np_expand_dims(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    int nd = ci->ret->ndim, axes[64], n = axes_of(L, in, ci, 1, nd, axes);
    bool is_new[64] = {0};
    for (int k = 0; k < n; k++) is_new[axes[k]] = true;
    Dims S, D;
    dims_of(L, types[0], args[0], &S);
    D.nd = nd;
    D.data = S.data;
    for (int k = 0, j = 0; k < nd; k++) {
        D.shape[k] = is_new[k] ? i64c(L, 1) : S.shape[j];
        D.strides[k] = is_new[k] ? zero(L) : S.strides[j++];
    }
    return view_of(L, ci->ret, args[0], &D);
}

static LLVMValueRef np_squeeze(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    int nd = types[0]->ndim, axes[64], n = axes_of(L, in, ci, 1, nd, axes);
    bool drop[64] = {0};
    Dims S, D;
    dims_of(L, types[0], args[0], &S);
    for (int k = 0; k < n; k++) {
        drop[axes[k]] = true;
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, S.shape[axes[k]], i64c(L, 1), ""), "builtins:ValueError",
                    "cannot select an axis to squeeze out which has size not equal to one");
    }
    D.nd = 0;
    D.data = S.data;
    for (int k = 0; k < nd; k++)
        if (!drop[k]) {
            D.shape[D.nd] = S.shape[k];
            D.strides[D.nd++] = S.strides[k];
        }
    return view_of(L, ci->ret, args[0], &D);
}

/* broadcast src (Dims S, right-aligned) to shape[0..nd): strides 0 where it repeats. */
static void broadcast_dims(Lower *L, Dims *S, int nd, LLVMValueRef *shape, Dims *D) {
    D->nd = nd;
    D->data = S->data;
    for (int k = 0; k < nd; k++) {
        D->shape[k] = shape[k];
        int j = k - (nd - S->nd);
        if (j < 0) {
            D->strides[k] = zero(L);
            continue;
        }
        LLVMValueRef same = LLVMBuildICmp(L->b, LLVMIntEQ, S->shape[j], shape[k], "");
        LLVMValueRef one = LLVMBuildICmp(L->b, LLVMIntEQ, S->shape[j], i64c(L, 1), "");
        cg_raise_unless(L, LLVMBuildOr(L->b, same, one, ""), "builtins:ValueError",
                        "operands could not be broadcast together with remapped shapes");
        D->strides[k] = LLVMBuildSelect(L->b, same, S->strides[j], zero(L), "");
    }
}

/* A scalar as a fresh one-element array (its Dims of 0 dimensions). */
static LLVMValueRef scalar_array(Lower *L, const Type *st, LLVMValueRef v, Dims *D) {
    const Type *t = ty_array(ty_dtype_of_scalar(st), 1, 'C', false);
    LLVMValueRef one = i64c(L, 1);
    LLVMValueRef arr = filled(L, t, &one, st, v);
    D->nd = 0;
    D->data = cg_arr_data(L, arr);
    return arr;
}

static LLVMValueRef np_broadcast_to(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    LLVMValueRef shape[64];
    int nd = int_values(L, types[1], args[1], shape);
    LLVMValueRef neg = LLVMConstInt(L->i1, 0, 0);
    for (int k = 0; k < nd; k++) neg = LLVMBuildOr(L->b, neg, slt(L, shape[k], zero(L)), "");
    cg_raise_if(L, neg, "builtins:ValueError", "all elements of broadcast shape must be non-negative");
    Dims S, D;
    LLVMValueRef owner = args[0];
    if (types[0]->kind == TY_ARRAY) dims_of(L, types[0], args[0], &S);
    else owner = scalar_array(L, types[0], args[0], &S);
    broadcast_dims(L, &S, nd, shape, &D);
    return view_of(L, ci->ret, owner, &D);
}

/* np.atleast_Nd of one argument, to type rt. */
static LLVMValueRef atleast(Lower *L, int want, const Type *at, LLVMValueRef a, const Type *rt) {
    if (at == rt) return a;
    Dims S, D;
    if (at->kind != TY_ARRAY) {
        LLVMValueRef shape[3] = {i64c(L, 1), i64c(L, 1), i64c(L, 1)};
        return filled(L, rt, shape, at, a);
    }
    dims_of(L, at, a, &S);
    D.nd = want;
    D.data = S.data;
    for (int k = 0; k < want; k++) {
        D.shape[k] = i64c(L, 1);
        D.strides[k] = zero(L);
    }
    /* NumPy: a 1-d array becomes (1, N) or (1, N, 1), a 2-d one (M, N, 1) */
    int at_ = S.nd == 0 ? 0 : S.nd == 1 ? 1 : 0;
    for (int j = 0; j < S.nd; j++) {
        D.shape[at_ + j] = S.shape[j];
        D.strides[at_ + j] = S.strides[j];
    }
    return view_of(L, rt, a, &D);
}

static LLVMValueRef np_atleast(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    int want = ci->builtin == BI_NP_ATLEAST_1D ? 1 : ci->builtin == BI_NP_ATLEAST_2D ? 2 : 3;
    if (ci->nparams == 1) return atleast(L, want, types[0], args[0], ci->ret);
    LLVMValueRef parts[64];
    for (int i = 0; i < ci->nparams; i++) parts[i] = atleast(L, want, types[i], args[i], ci->ret->elems[i]);
    return make_tuple(L, ci->ret, parts);
}

/* The diagonal at offset of axes a1, a2 of S, as the last dim of the rest. */
static void diagonal_dims(Lower *L, Dims *S, LLVMValueRef offset, int a1, int a2, Dims *D) {
    LLVMValueRef pos = slt(L, offset, zero(L)), n1 = S->shape[a1], n2 = S->shape[a2];
    LLVMValueRef negoff = LLVMBuildNeg(L->b, offset, "");
    LLVMValueRef len = LLVMBuildSelect(L->b, pos, smin(L, add(L, n1, offset), n2), smin(L, n1, LLVMBuildSub(L->b, n2, offset, "")), "");
    len = smax(L, len, zero(L));
    D->nd = 0;
    D->data = S->data;
    for (int k = 0; k < S->nd; k++)
        if (k != a1 && k != a2) {
            D->shape[D->nd] = S->shape[k];
            D->strides[D->nd++] = S->strides[k];
        }
    LLVMValueRef off = LLVMBuildSelect(L->b, pos, mul(L, negoff, S->strides[a1]), mul(L, offset, S->strides[a2]), "");
    move_data(L, D, off, slt(L, zero(L), len));
    D->shape[D->nd] = len;
    D->strides[D->nd++] = add(L, S->strides[a1], S->strides[a2]);
}

static LLVMValueRef np_diagonal(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    Dims S, D;
    dims_of(L, types[0], args[0], &S);
    LLVMValueRef off = given(ci, types, 1) ? to_i64(L, args[1], types[1]) : zero(L);
    int a1 = axis_or(L, in, ci, types, 2, S.nd, 0), a2 = axis_or(L, in, ci, types, 3, S.nd, 1);
    diagonal_dims(L, &S, off, a1, a2, &D);
    return view_of(L, ci->ret, args[0], &D);
}

static LLVMValueRef np_diag(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *vt = types[0], *rt = ci->ret;
    LLVMValueRef k = given(ci, types, 1) ? to_i64(L, args[1], types[1]) : zero(L);
    Dims S, D;
    if (vt->ndim == 2) {
        dims_of(L, vt, args[0], &S);
        diagonal_dims(L, &S, k, 0, 1, &D);
        return view_of(L, rt, args[0], &D);
    }
    LLVMValueRef ak = LLVMBuildSelect(L->b, slt(L, k, zero(L)), LLVMBuildNeg(L->b, k, ""), k, "");
    LLVMValueRef n = add(L, cg_arr_shape(L, args[0], 0), ak), shape[2] = {n, n};
    LLVMValueRef out = filled(L, rt, shape, ty_bool, LLVMConstInt(L->i1, 0, 0));
    dims_of(L, rt, out, &S);
    diagonal_dims(L, &S, k, 0, 1, &D);
    cg_assign_noalias(L, ty_array(rt->dtype, 1, 'A', false), temp_view(L, rt->dtype, &D), vt, args[0]);
    return out;
}

/* ---- new arrays -------------------------------------------------------------------- */
typedef struct TriEnv {
    const Type *t;
    LLVMValueRef out, k;
    bool upper;
} TriEnv;

static void tri_body(Lower *L, LLVMValueRef *idx, void *env) {
    TriEnv *E = env;
    int nd = E->t->ndim;
    LLVMValueRef d = LLVMBuildSub(L->b, idx[nd - 1], idx[nd - 2], "");   /* j - i */
    LLVMValueRef clear = E->upper ? slt(L, d, E->k) : slt(L, E->k, d);
    LLVMBasicBlockRef z = LLVMAppendBasicBlockInContext(L->c, L->func, "tri0"), next = LLVMAppendBasicBlockInContext(L->c, L->func, "tri");
    LLVMBuildCondBr(L->b, clear, z, next);
    LLVMPositionBuilderAtEnd(L->b, z);
    cg_store_elem(L, E->t->dtype, cg_elem_ptr(L, E->t, E->out, idx), LLVMConstInt(L->i1, 0, 0), ty_bool);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
}

static LLVMValueRef np_tri(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    LLVMValueRef out, shape[64];
    if (types[0]->ndim == 1) {   /* a 1-d v: NumPy masks v broadcast to (n, n) */
        shape[0] = shape[1] = cg_arr_shape(L, args[0], 0);
        out = filled(L, ci->ret, shape, types[0], args[0]);
    } else {
        out = cg_copy_array(L, types[0], args[0], ci->ret);
    }
    for (int k = 0; k < ci->ret->ndim; k++) shape[k] = cg_arr_shape(L, out, k);
    TriEnv E = {.t = ci->ret, .out = out, .upper = ci->builtin == BI_NP_TRIU,
                .k = given(ci, types, 1) ? to_i64(L, args[1], types[1]) : zero(L)};
    cg_loop_nest(L, ci->ret->ndim, shape, tri_body, &E);
    return out;
}

/* The sum of the lane (data, n, stride) of dtype dt, in the canonical scalar type st. */
static LLVMValueRef lane_sum(Lower *L, int dt, LLVMValueRef data, LLVMValueRef n, LLVMValueRef stride, const Type *st) {
    LLVMValueRef acc = cg_entry_alloca(L, cg_type(L, st), "trace");
    LLVMBuildStore(L->b, LLVMConstNull(cg_type(L, st)), acc);
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    LLVMValueRef x = cg_cast(L, cg_load_elem(L, dt, cg_gep8(L, data, mul(L, i, stride))), ty_scalar_of(dt), st);
    L->numpy_sem = true;
    LLVMBuildStore(L->b, cg_binop(L, IRB_ADD, LLVMBuildLoad2(L->b, cg_type(L, st), acc, ""), x, st, NULL), acc);
    L->numpy_sem = false;
    cg_loop_end(L, &lc);
    return LLVMBuildLoad2(L->b, cg_type(L, st), acc, "");
}

typedef struct TraceEnv {
    const Type *at, *rt;
    Dims *D;
    LLVMValueRef out;
} TraceEnv;

static void trace_body(Lower *L, LLVMValueRef *idx, void *env) {
    TraceEnv *E = env;
    int nd = E->D->nd;
    LLVMValueRef off = zero(L);
    for (int k = 0; k < nd - 1; k++) off = add(L, off, mul(L, idx[k], E->D->strides[k]));
    const Type *st = ty_scalar_of(E->rt->dtype);
    LLVMValueRef v = lane_sum(L, E->at->dtype, cg_gep8(L, E->D->data, off), E->D->shape[nd - 1], E->D->strides[nd - 1], st);
    cg_store_elem(L, E->rt->dtype, cg_elem_ptr(L, E->rt, E->out, idx), v, st);
}

/* np.trace: the sums of the diagonals (offset, axis1, axis2) of a. */
static LLVMValueRef np_trace(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    Dims S, D;
    dims_of(L, types[0], args[0], &S);
    int a1 = axis_or(L, in, ci, types, 2, S.nd, 0), a2 = axis_or(L, in, ci, types, 3, S.nd, 1);
    diagonal_dims(L, &S, given(ci, types, 1) ? to_i64(L, args[1], types[1]) : zero(L), a1, a2, &D);
    if (ci->ret->kind != TY_ARRAY) return lane_sum(L, types[0]->dtype, D.data, D.shape[0], D.strides[0], ci->ret);
    TraceEnv E = {.at = types[0], .rt = ci->ret, .D = &D};
    E.out = cg_alloc_array(L, ci->ret, D.shape);
    cg_loop_nest(L, D.nd - 1, D.shape, trace_body, &E);
    return E.out;
}

/* np.roll as block copies: along each rolled axis (shift s taken mod n) the output's [s, n) is
 * the input's [0, n - s) and its [0, s) the input's [n - s, n); 2^(rolled axes) blocks, each a
 * copy loop over views. */
static void roll_blocks(Lower *L, int dt, Dims *S, Dims *O, const bool *rolled, LLVMValueRef *shift) {
    int axes[64], nr = 0;
    for (int k = 0; k < S->nd; k++)
        if (rolled[k]) axes[nr++] = k;
    const Type *vt = ty_array(dt, S->nd, 'A', false);
    for (int mask = 0; mask < 1 << nr; mask++) {
        Dims from = *S, to = *O;
        for (int b = 0; b < nr; b++) {
            int k = axes[b];
            LLVMValueRef n = S->shape[k], s = shift[k], rest = LLVMBuildSub(L->b, n, s, "");
            bool tail = mask >> b & 1;   /* the block that wraps to the front */
            from.shape[k] = to.shape[k] = tail ? s : rest;
            from.data = cg_gep8(L, from.data, mul(L, tail ? rest : zero(L), S->strides[k]));
            to.data = cg_gep8(L, to.data, mul(L, tail ? zero(L) : s, O->strides[k]));
        }
        cg_assign_noalias(L, vt, temp_view(L, dt, &to), vt, temp_view(L, dt, &from));
    }
}

static LLVMValueRef np_roll(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *rt = ci->ret;
    Dims S, O;
    bool rolled[64] = {0};
    LLVMValueRef shifts[64], shift[64], shape[64];
    int ns = int_values(L, types[1], args[1], shifts);
    if (!given(ci, types, 2)) {   /* over the flattened array, in C order */
        flat_c(L, at, args[0], &S);
        for (int k = 0; k < at->ndim; k++) shape[k] = cg_arr_shape(L, args[0], k);
        LLVMValueRef out = cg_alloc_array(L, rt, shape);
        O = (Dims){.nd = 1, .data = cg_arr_data(L, out), .shape = {S.shape[0]}, .strides = {isz(L, rt->dtype)}};
        rolled[0] = true;
        shift[0] = pymod(L, shifts[0], S.shape[0]);
        roll_blocks(L, rt->dtype, &S, &O, rolled, shift);
        return out;
    }
    dims_of(L, at, args[0], &S);
    int axes[64], na = axes_of(L, in, ci, 2, at->ndim, axes), n = na > ns ? na : ns;
    for (int k = 0; k < at->ndim; k++) shift[k] = zero(L);
    for (int p = 0; p < n; p++) {   /* broadcast (shift, axis); shifts of one axis add up */
        int ax = axes[na == 1 ? 0 : p];
        rolled[ax] = true;
        shift[ax] = add(L, shift[ax], shifts[ns == 1 ? 0 : p]);
    }
    for (int k = 0; k < at->ndim; k++)
        if (rolled[k]) shift[k] = pymod(L, shift[k], S.shape[k]);
    LLVMValueRef out = cg_alloc_array(L, rt, S.shape);
    dims_of(L, rt, out, &O);
    roll_blocks(L, rt->dtype, &S, &O, rolled, shift);
    return out;
}

static void check_nonneg(Lower *L, LLVMValueRef *v, int n, const char *msg) {
    LLVMValueRef neg = LLVMConstInt(L->i1, 0, 0);
    for (int k = 0; k < n; k++) neg = LLVMBuildOr(L->b, neg, slt(L, v[k], zero(L)), "");
    cg_raise_if(L, neg, "builtins:ValueError", msg);
}

static LLVMValueRef np_tile(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret;
    int nd = rt->ndim;
    LLVMValueRef reps[64], r[64], shape[64];
    int nr = int_values(L, types[1], args[1], reps);
    check_nonneg(L, reps, nr, "negative dimensions are not allowed");
    Dims S, A;
    if (types[0]->kind == TY_ARRAY) dims_of(L, types[0], args[0], &S);
    else scalar_array(L, types[0], args[0], &S);
    for (int k = 0; k < nd; k++) {   /* both padded on the left with ones */
        int j = k - (nd - S.nd), q = k - (nd - nr);
        A.shape[k] = j >= 0 ? S.shape[j] : i64c(L, 1);
        A.strides[k] = j >= 0 ? S.strides[j] : zero(L);
        r[k] = q >= 0 ? reps[q] : i64c(L, 1);
        shape[k] = mul(L, A.shape[k], r[k]);
    }
    LLVMValueRef out = cg_alloc_array(L, rt, shape);
    Dims O, I;   /* out as (r0, n0, r1, n1, ...); the input repeated with stride 0 */
    O.nd = I.nd = 2 * nd;
    O.data = cg_arr_data(L, out);
    I.data = S.data;
    for (int k = 0; k < nd; k++) {
        LLVMValueRef st = cg_arr_stride(L, rt, out, k);
        O.shape[2 * k] = I.shape[2 * k] = r[k];
        O.shape[2 * k + 1] = I.shape[2 * k + 1] = A.shape[k];
        O.strides[2 * k] = mul(L, st, A.shape[k]);
        O.strides[2 * k + 1] = st;
        I.strides[2 * k] = zero(L);
        I.strides[2 * k + 1] = A.strides[k];
    }
    int sdt = types[0]->kind == TY_ARRAY ? types[0]->dtype : rt->dtype;
    cg_assign_noalias(L, ty_array(rt->dtype, 2 * nd, 'A', false), temp_view(L, rt->dtype, &O),
                      ty_array(sdt, 2 * nd, 'A', false), temp_view(L, sdt, &I));
    return out;
}

static LLVMValueRef np_repeat(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *rt = ci->ret, *rpt = types[1];
    int dt = rt->dtype, axis = 0, adt = at->kind == TY_ARRAY ? at->dtype : ty_dtype_of_scalar(at);
    Dims S;
    if (at->kind != TY_ARRAY) {   /* np.repeat(7, 3): of a one-element array */
        scalar_array(L, at, args[0], &S);
        S.nd = 1;
        S.shape[0] = i64c(L, 1);
        S.strides[0] = isz(L, adt);
    } else if (given(ci, types, 2)) {
        dims_of(L, at, args[0], &S);
        axis = axis_or(L, in, ci, types, 2, at->ndim, 0);
    } else {
        flat_c(L, at, args[0], &S);
    }
    LLVMValueRef n = S.shape[axis], shape[64];
    memcpy(shape, S.shape, sizeof(LLVMValueRef) * (size_t)S.nd);
    const Type *vt = ty_array(adt, S.nd + 1, 'A', false), *ot = ty_array(dt, S.nd + 1, 'A', false);
    if (rpt->kind != TY_ARRAY) {
        LLVMValueRef r = to_i64(L, args[1], rpt);
        check_nonneg(L, &r, 1, "repeats may not contain negative values.");
        shape[axis] = mul(L, n, r);
        LLVMValueRef out = cg_alloc_array(L, rt, shape);
        Dims O, I;   /* axis split into (n, r): the input's stride, then 0 */
        dims_of(L, rt, out, &O);
        I = S;
        for (int k = S.nd; k > axis + 1; k--) {
            O.shape[k] = O.shape[k - 1];
            O.strides[k] = O.strides[k - 1];
            I.shape[k] = I.shape[k - 1];
            I.strides[k] = I.strides[k - 1];
        }
        O.nd = I.nd = S.nd + 1;
        O.shape[axis] = I.shape[axis] = n;
        O.shape[axis + 1] = I.shape[axis + 1] = r;
        O.strides[axis + 1] = O.strides[axis];
        O.strides[axis] = mul(L, O.strides[axis], r);
        I.strides[axis + 1] = zero(L);
        cg_assign_noalias(L, ot, temp_view(L, dt, &O), vt, temp_view(L, adt, &I));
        return out;
    }
    /* an array of counts, one per element along the axis (or one for all) */
    LLVMValueRef rn = cg_arr_shape(L, args[1], 0), rd = cg_arr_data(L, args[1]), rs = cg_arr_stride(L, rpt, args[1], 0);
    LLVMValueRef one = LLVMBuildICmp(L->b, LLVMIntEQ, rn, i64c(L, 1), "");
    cg_raise_unless(L, LLVMBuildOr(L->b, one, LLVMBuildICmp(L->b, LLVMIntEQ, rn, n, ""), ""), "builtins:ValueError",
                    "operands could not be broadcast together");
    const Type *ct = ty_scalar_of(rpt->dtype);
    LLVMValueRef total = cg_entry_alloca(L, L->i64, "total");
    LLVMBuildStore(L->b, zero(L), total);
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    LLVMValueRef c = to_i64(L, cg_load_elem(L, rpt->dtype, cg_gep8(L, rd, mul(L, LLVMBuildSelect(L->b, one, zero(L), i, ""), rs))), ct);
    check_nonneg(L, &c, 1, "repeats may not contain negative values.");
    LLVMBuildStore(L->b, add(L, LLVMBuildLoad2(L->b, L->i64, total, ""), c), total);
    cg_loop_end(L, &lc);
    shape[axis] = LLVMBuildLoad2(L->b, L->i64, total, "");
    LLVMValueRef out = cg_alloc_array(L, rt, shape);
    Dims O;
    dims_of(L, rt, out, &O);
    LLVMValueRef pos = cg_entry_alloca(L, L->i64, "pos");
    LLVMBuildStore(L->b, zero(L), pos);
    i = cg_loop_begin(L, &lc, n);
    c = to_i64(L, cg_load_elem(L, rpt->dtype, cg_gep8(L, rd, mul(L, LLVMBuildSelect(L->b, one, zero(L), i, ""), rs))), ct);
    Dims os = O, is = S;   /* out[.., pos:pos+c, ..] = a[.., i, ..] repeated */
    LLVMValueRef p = LLVMBuildLoad2(L->b, L->i64, pos, "");
    os.data = cg_gep8(L, O.data, mul(L, p, O.strides[axis]));
    os.shape[axis] = c;
    is.data = cg_gep8(L, S.data, mul(L, i, S.strides[axis]));
    is.shape[axis] = c;
    is.strides[axis] = zero(L);
    cg_assign_noalias(L, ty_array(dt, S.nd, 'A', false), temp_view(L, dt, &os), ty_array(adt, S.nd, 'A', false),
                      temp_view(L, adt, &is));
    LLVMBuildStore(L->b, add(L, p, c), pos);
    cg_loop_end(L, &lc);
    return out;
}

/* Concatenate n arrays of the same ndim along axis into a new array of type rt. */
LLVMValueRef cg_concat(Lower *L, int n, const Type *const *ts, LLVMValueRef *vs, int axis, const Type *rt) {
    int nd = rt->ndim;
    LLVMValueRef shape[64], total = zero(L);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < nd; k++) {
            if (k == axis) continue;
            cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, vs[i], k), cg_arr_shape(L, vs[0], k), ""),
                            "builtins:ValueError", "all the input array dimensions except for the concatenation axis must match exactly");
        }
        total = add(L, total, cg_arr_shape(L, vs[i], axis));
    }
    for (int k = 0; k < nd; k++) shape[k] = k == axis ? total : cg_arr_shape(L, vs[0], k);
    LLVMValueRef out = cg_alloc_array(L, rt, shape), off = zero(L);
    Dims O;
    dims_of(L, rt, out, &O);
    for (int i = 0; i < n; i++) {
        Dims P = O;
        for (int k = 0; k < nd; k++) P.shape[k] = cg_arr_shape(L, vs[i], k);
        P.data = cg_gep8(L, O.data, mul(L, off, O.strides[axis]));
        cg_assign_noalias(L, ty_array(rt->dtype, nd, 'A', false), temp_view(L, rt->dtype, &P), ts[i], vs[i]);
        off = add(L, off, P.shape[axis]);
    }
    return out;
}

static LLVMValueRef np_stack(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *tt = types[0], *rt = ci->ret;
    int nd = rt->ndim, axis = axis_or(L, in, ci, types, 1, nd, 0);
    LLVMValueRef vs[64], shape[64];
    for (int i = 0; i < tt->n; i++) vs[i] = LLVMBuildExtractValue(L->b, args[0], (unsigned)i, "");
    for (int i = 1; i < tt->n; i++)
        for (int k = 0; k < nd - 1; k++)
            cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, vs[i], k), cg_arr_shape(L, vs[0], k), ""),
                            "builtins:ValueError", "all input arrays must have the same shape");
    for (int k = 0, j = 0; k < nd; k++) shape[k] = k == axis ? i64c(L, tt->n) : cg_arr_shape(L, vs[0], j++);
    LLVMValueRef out = cg_alloc_array(L, rt, shape);
    Dims O, P;
    dims_of(L, rt, out, &O);
    P.nd = nd - 1;
    for (int k = 0, j = 0; k < nd; k++)
        if (k != axis) {
            P.shape[j] = O.shape[k];
            P.strides[j++] = O.strides[k];
        }
    for (int i = 0; i < tt->n; i++) {
        P.data = cg_gep8(L, O.data, mul(L, i64c(L, i), O.strides[axis]));
        cg_assign_noalias(L, ty_array(rt->dtype, nd - 1, 'A', false), temp_view(L, rt->dtype, &P), tt->elems[i], vs[i]);
    }
    return out;
}

static LLVMValueRef np_hvdstack(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *tt = types[0], *rt = ci->ret, *ts[64];
    int bid = ci->builtin, nd = rt->ndim, want = bid == BI_NP_HSTACK ? 1 : bid == BI_NP_DSTACK ? 3 : 2;
    int axis = bid == BI_NP_VSTACK ? 0 : bid == BI_NP_DSTACK ? 2 : nd == 1 ? 0 : 1;
    LLVMValueRef vs[64];
    for (int i = 0; i < tt->n; i++) {
        const Type *et = tt->elems[i];
        LLVMValueRef e = LLVMBuildExtractValue(L->b, args[0], (unsigned)i, "");
        ts[i] = ty_view(et, et->dtype, nd, 'A');
        if (bid == BI_NP_COLUMN_STACK && et->ndim < 2) {   /* a vector is a column */
            Dims S, D;
            dims_of(L, et, e, &S);
            D.nd = 2;
            D.data = S.data;
            D.shape[0] = et->ndim ? S.shape[0] : i64c(L, 1);
            D.strides[0] = et->ndim ? S.strides[0] : zero(L);
            D.shape[1] = i64c(L, 1);
            D.strides[1] = zero(L);
            vs[i] = view_of(L, ts[i], e, &D);
        } else {
            vs[i] = et->ndim == nd ? e : atleast(L, want, et, e, ts[i]);
            if (et->ndim == nd) ts[i] = et;
        }
    }
    return cg_concat(L, tt->n, ts, vs, axis, rt);
}

/* Index x as a slice bound of a dimension of length n: a negative one counts from the end, then
 * clamped to [0, n]. */
static LLVMValueRef slice_bound(Lower *L, LLVMValueRef x, LLVMValueRef n) {
    x = LLVMBuildSelect(L->b, slt(L, x, zero(L)), add(L, x, n), x, "");
    return smin(L, smax(L, x, zero(L)), n);
}

/* Array a's section [lo, lo + len) along axis (S: a's dimensions), a view of type vt. */
static LLVMValueRef section(Lower *L, const Type *vt, LLVMValueRef a, const Dims *S, int axis, LLVMValueRef lo, LLVMValueRef len) {
    Dims D = *S;
    D.shape[axis] = len;
    move_data(L, &D, mul(L, lo, S->strides[axis]), slt(L, zero(L), len));
    return view_of(L, vt, a, &D);
}

static LLVMValueRef np_split(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *rt = ci->ret, *vt = rt->elems[0];
    int nd = at->ndim, ns = ci->dtype, bid = ci->builtin;
    int axis = bid == BI_NP_HSPLIT ? nd > 1 : bid == BI_NP_VSPLIT ? 0 : bid == BI_NP_DSPLIT ? 2 : axis_or(L, in, ci, types, 2, nd, 0);
    Dims S;
    dims_of(L, at, args[0], &S);
    LLVMValueRef n = S.shape[axis], bounds[66];
    const Type *indices = types[1];
    if (indices->kind == TY_LIST) {   /* a list of indices: as an array of them */
        args[1] = cg_list_as_array(L, indices, args[1]);
        indices = ty_array(DT_INT64, 1, 'C', false);
    }
    if (types[1]->kind == TY_TUPLE) {   /* indices, as slice bounds */
        bounds[0] = zero(L);
        for (int i = 0; i < ns - 1; i++) {
            bounds[i + 1] = slice_bound(L, to_i64(L, LLVMBuildExtractValue(L->b, args[1], (unsigned)i, ""), types[1]->elems[i]), n);
        }
        bounds[ns] = n;
    } else if (indices->kind == TY_ARRAY) {   /* indices in an array: a section between each two, as slices take them */
        const Type *it = indices, *et = ty_scalar_of(it->dtype);
        LLVMValueRef out = cg_list_of(L, rt, NULL, NULL, 0), k = cg_arr_shape(L, args[1], 0);
        LLVMValueRef x0 = cg_arr_data(L, args[1]), xs = cg_arr_stride(L, it, args[1], 0);
        LLVMValueRef lo_slot = cg_entry_alloca(L, L->i64, "lo");
        LLVMBuildStore(L->b, zero(L), lo_slot);
        LoopCtx lc;
        LLVMValueRef i = cg_loop_begin(L, &lc, add(L, k, i64c(L, 1)));   /* section i ends at index i (wrapped, clamped), the last at n */
        LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
        LLVMBasicBlockRef has = LLVMAppendBasicBlockInContext(L->c, L->func, "split.index");
        LLVMBasicBlockRef got = LLVMAppendBasicBlockInContext(L->c, L->func, "split.bound");
        LLVMBuildCondBr(L->b, slt(L, i, k), has, got);
        LLVMPositionBuilderAtEnd(L->b, has);
        LLVMValueRef x = slice_bound(L, to_i64(L, cg_load_elem(L, it->dtype, cg_gep8(L, x0, mul(L, i, xs))), et), n);
        LLVMBasicBlockRef has_end = LLVMGetInsertBlock(L->b);
        LLVMBuildBr(L->b, got);
        LLVMPositionBuilderAtEnd(L->b, got);
        LLVMValueRef hi = cg_phi2(L, n, from, x, has_end, "hi");
        LLVMValueRef lo = LLVMBuildLoad2(L->b, L->i64, lo_slot, "");
        LLVMValueRef part = section(L, vt, args[0], &S, axis, lo, smax(L, LLVMBuildSub(L->b, hi, lo, ""), zero(L)));
        cg_list_append(L, rt, out, part, vt);
        LLVMBuildStore(L->b, hi, lo_slot);
        cg_loop_end(L, &lc);
        return out;
    } else if (ns < 0) {   /* N sections, N known at run time: the list grows in a loop */
        LLVMValueRef N = to_i64(L, args[1], types[1]);
        if (ci->builtin != BI_NP_ARRAY_SPLIT)   /* np.split tests the division first */
            cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, N, zero(L), ""), "builtins:ZeroDivisionError", "integer modulo by zero");
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntSLE, N, zero(L), ""), "builtins:ValueError", "number sections must be larger than 0.");
        LLVMValueRef each = LLVMBuildSDiv(L->b, n, N, ""), extra = LLVMBuildSRem(L->b, n, N, "");
        if (ci->builtin != BI_NP_ARRAY_SPLIT)
            cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, extra, zero(L), ""), "builtins:ValueError",
                        "array split does not result in an equal division");
        LLVMValueRef out = cg_list_of(L, rt, NULL, NULL, 0);
        LoopCtx lc;
        LLVMValueRef i = cg_loop_begin(L, &lc, N);   /* section i: each + (i < extra) from i * each + min(i, extra) */
        LLVMValueRef lo = add(L, mul(L, i, each), smin(L, i, extra));
        LLVMValueRef len = add(L, each, LLVMBuildZExt(L->b, slt(L, i, extra), L->i64, ""));
        cg_list_append(L, rt, out, section(L, vt, args[0], &S, axis, lo, len), vt);
        cg_loop_end(L, &lc);
        return out;
    } else {
        LLVMValueRef N = i64c(L, ns), each = LLVMBuildSDiv(L->b, n, N, ""), extra = LLVMBuildSRem(L->b, n, N, "");
        if (ci->builtin != BI_NP_ARRAY_SPLIT)
            cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, extra, zero(L), ""), "builtins:ValueError",
                        "array split does not result in an equal division");
        bounds[0] = zero(L);
        for (int i = 0; i < ns; i++) {   /* the first n % N sections hold one more */
            LLVMValueRef sz = add(L, each, LLVMBuildZExt(L->b, slt(L, i64c(L, i), extra), L->i64, ""));
            bounds[i + 1] = add(L, bounds[i], sz);
        }
    }
    LLVMValueRef parts[65];
    const Type *ts[65];
    for (int i = 0; i < ns; i++) {
        parts[i] = section(L, vt, args[0], &S, axis, bounds[i], smax(L, LLVMBuildSub(L->b, bounds[i + 1], bounds[i], ""), zero(L)));
        ts[i] = vt;
    }
    return cg_list_of(L, rt, parts, ts, ns);
}

/* np.pad: the constant (or 0), the centre, then edge or wrapped slabs axis by axis. */
static LLVMValueRef np_pad(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *rt = ci->ret, *w = types[1];
    int nd = at->ndim, dt = rt->dtype, mode = 0;
    LLVMValueRef before[64], after[64], shape[64];
    if (given(ci, types, 2)) {
        const char *s = ti_const_str(L->ti, in->args[ci->argmap[2]]);
        for (int i = 0; ti_pad_modes[i]; i++)
            if (!strcmp(s, ti_pad_modes[i])) mode = i;
    }
    for (int k = 0; k < nd; k++) {   /* int, (w,), (b, a), ((b, a),), ((b0, a0), (b1, a1), ...) */
        LLVMValueRef v[2];
        const Type *pt = w;
        LLVMValueRef pv = args[1];
        if (w->kind == TY_TUPLE && w->elems[0]->kind == TY_TUPLE) {
            int r = w->n == 1 ? 0 : k;
            pt = w->elems[r];
            pv = LLVMBuildExtractValue(L->b, args[1], (unsigned)r, "");
        }
        int m = int_values(L, pt, pv, v);
        before[k] = v[0];
        after[k] = v[m == 2 ? 1 : 0];
    }
    check_nonneg(L, before, nd, "index can't contain negative values");
    check_nonneg(L, after, nd, "index can't contain negative values");
    Dims S;
    dims_of(L, at, args[0], &S);
    for (int k = 0; k < nd; k++) shape[k] = add(L, add(L, before[k], S.shape[k]), after[k]);
    LLVMValueRef out = cg_alloc_array(L, rt, shape);
    if (mode == 0) {
        if (given(ci, types, 3)) cg_assign_noalias(L, rt, out, types[3], args[3]);
        else cg_assign_noalias(L, rt, out, ty_bool, LLVMConstInt(L->i1, 0, 0));
    }
    Dims O, C;
    dims_of(L, rt, out, &O);
    C = O;
    LLVMValueRef off = zero(L);
    for (int k = 0; k < nd; k++) {
        C.shape[k] = S.shape[k];
        off = add(L, off, mul(L, before[k], O.strides[k]));
    }
    C.data = cg_gep8(L, O.data, off);
    cg_assign_noalias(L, ty_array(dt, nd, 'A', false), temp_view(L, dt, &C), at, args[0]);
    if (mode == 0) return out;
    const Type *st = ty_array(dt, nd, 'A', false);
    for (int k = 0; k < nd; k++) {
        LLVMValueRef b = before[k], n = S.shape[k], pads = add(L, b, after[k]);
        cg_raise_if(L, LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, n, zero(L), ""), slt(L, zero(L), pads), ""),
                    "builtins:ValueError", "can't extend empty axis using modes other than 'constant' or 'empty'");
        LoopCtx lc;
        LLVMValueRef p = cg_loop_begin(L, &lc, pads);   /* the p-th padded index along k */
        LLVMValueRef i = LLVMBuildSelect(L->b, slt(L, p, b), p, add(L, p, n), "");
        LLVMValueRef last = add(L, b, LLVMBuildSub(L->b, n, i64c(L, 1), ""));
        LLVMValueRef src = mode == 1 ? smin(L, smax(L, i, b), last) : add(L, b, pymod(L, LLVMBuildSub(L->b, i, b, ""), n));
        Dims to = O, from = O;
        to.shape[k] = from.shape[k] = i64c(L, 1);
        to.data = cg_gep8(L, O.data, mul(L, i, O.strides[k]));
        from.data = cg_gep8(L, O.data, mul(L, src, O.strides[k]));
        cg_assign_noalias(L, st, temp_view(L, dt, &to), st, temp_view(L, dt, &from));
        cg_loop_end(L, &lc);
    }
    return out;
}

static LLVMValueRef np_meshgrid(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret;
    int nx = rt->n;
    bool xy = true;
    if (given(ci, types, nx)) xy = strcmp(ti_const_str(L->ti, in->args[ci->argmap[nx]]), "ij") != 0;
    Dims X[32];
    LLVMValueRef shape[32], parts[32];
    int pos[32];
    for (int i = 0; i < nx; i++) {
        flat_c(L, types[i], args[i], &X[i]);
        pos[i] = xy && nx >= 2 && i < 2 ? 1 - i : i;
    }
    for (int i = 0; i < nx; i++) shape[pos[i]] = X[i].shape[0];
    for (int i = 0; i < nx; i++) {
        Dims I = {.nd = nx, .data = X[i].data};
        for (int k = 0; k < nx; k++) {
            I.shape[k] = shape[k];
            I.strides[k] = k == pos[i] ? X[i].strides[0] : zero(L);
        }
        parts[i] = cg_alloc_array(L, rt->elems[i], shape);
        cg_assign_noalias(L, rt->elems[i], parts[i], ty_array(types[i]->dtype, nx, 'A', false), temp_view(L, types[i]->dtype, &I));
    }
    return make_tuple(L, rt, parts);
}

typedef struct IndicesEnv {
    const Type *rt;
    LLVMValueRef out;
    int n;
} IndicesEnv;

static void indices_body(Lower *L, LLVMValueRef *idx, void *env) {
    IndicesEnv *E = env;
    LLVMValueRef full[65];
    memcpy(full + 1, idx, sizeof(LLVMValueRef) * (size_t)E->n);
    for (int i = 0; i < E->n; i++) {
        full[0] = i64c(L, i);
        cg_store_elem(L, E->rt->dtype, cg_elem_ptr(L, E->rt, E->out, full), idx[i], ty_int64);
    }
}

static LLVMValueRef np_indices(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret;
    LLVMValueRef shape[65];
    int n = int_values(L, types[0], args[0], shape + 1);
    shape[0] = i64c(L, n);
    IndicesEnv E = {.rt = rt, .out = cg_alloc_array(L, rt, shape), .n = n};
    cg_loop_nest(L, n, shape + 1, indices_body, &E);
    return E.out;
}

/* np.linspace as NumPy computes it: i * step + start (i / div * delta where the step underflows
 * to 0), the last element exactly stop with the endpoint, floored before an integer dtype. Complex
 * ends: NumPy's complex arithmetic, every product kept (0 * inf is NaN there too): the step is
 * delta / (div + 0j) as NumPy divides (by the reciprocal 1 / div), each element (i + 0j) * step +
 * start, or (i + 0j) / div * delta where the step is 0 (both its parts). */
typedef struct LinEnv {
    const Type *rt;
    bool cplx;
    LLVMValueRef out, start[2], stop[2], delta[2], step[2], div, n, endpoint, tiny, scl;
} LinEnv;

static void linspace_body(Lower *L, LLVMValueRef *idx, void *env) {
    LinEnv *E = env;
    LLVMValueRef i = LLVMBuildSIToFP(L->b, idx[0], L->f64, ""), fdiv = LLVMBuildSIToFP(L->b, E->div, L->f64, "");
    LLVMValueRef some = slt(L, zero(L), E->div), by[2], y[2];
    LLVMValueRef scaled = E->cplx ? LLVMBuildFMul(L->b, i, E->scl, "") : LLVMBuildFDiv(L->b, i, fdiv, "");
    LLVMValueRef base = LLVMBuildSelect(L->b, LLVMBuildAnd(L->b, some, E->tiny, ""), scaled, i, "");
    for (int k = 0; k < 1 + E->cplx; k++)   /* what (i or i / div) is multiplied by */
        by[k] = LLVMBuildSelect(L->b, LLVMBuildAnd(L->b, some, LLVMBuildNot(L->b, E->tiny, ""), ""), E->step[k], E->delta[k], "");
    if (E->cplx) {   /* (base + 0j) * (by[0] + by[1] j) */
        LLVMValueRef z = f64c(L, 0);
        y[0] = LLVMBuildFSub(L->b, LLVMBuildFMul(L->b, base, by[0], ""), LLVMBuildFMul(L->b, z, by[1], ""), "");
        y[1] = LLVMBuildFAdd(L->b, LLVMBuildFMul(L->b, base, by[1], ""), LLVMBuildFMul(L->b, z, by[0], ""), "");
    } else {
        y[0] = LLVMBuildFMul(L->b, base, by[0], "");
    }
    LLVMValueRef last = LLVMBuildAnd(L->b, E->endpoint, LLVMBuildAnd(L->b, slt(L, i64c(L, 1), E->n),
                        LLVMBuildICmp(L->b, LLVMIntEQ, idx[0], LLVMBuildSub(L->b, E->n, i64c(L, 1), ""), ""), ""), "");
    for (int k = 0; k < 1 + E->cplx; k++)
        y[k] = LLVMBuildSelect(L->b, last, E->stop[k], LLVMBuildFAdd(L->b, y[k], E->start[k], ""), "");
    int dt = E->rt->dtype;
    if (ty_dtypes[dt].kind != 'f' && ty_dtypes[dt].kind != 'c') y[0] = cg_intrinsic1(L, "llvm.floor.f64", y[0]);
    LLVMValueRef v = y[0];
    if (E->cplx) {
        v = LLVMBuildInsertValue(L->b, LLVMGetUndef(L->c128), y[0], 0, "");
        v = LLVMBuildInsertValue(L->b, v, y[1], 1, "");
    }
    cg_store_elem(L, dt, cg_gep8(L, cg_arr_data(L, E->out), mul(L, idx[0], isz(L, dt))), v,
                  E->cplx ? ty_complex128 : ty_float64);
}

static LLVMValueRef np_linspace(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret->kind == TY_TUPLE ? ci->ret->elems[0] : ci->ret;
    const Type *st = ty_held(types[0]) == ty_complex128 || ty_held(types[1]) == ty_complex128 ? ty_complex128 : ty_float64;
    LinEnv E = {.rt = rt, .cplx = st == ty_complex128};
    LLVMValueRef ends[2] = {cg_cast(L, args[0], types[0], st), cg_cast(L, args[1], types[1], st)};
    for (int k = 0; k < 1 + E.cplx; k++) {
        E.start[k] = E.cplx ? LLVMBuildExtractValue(L->b, ends[0], (unsigned)k, "") : ends[0];
        E.stop[k] = E.cplx ? LLVMBuildExtractValue(L->b, ends[1], (unsigned)k, "") : ends[1];
    }
    E.n = given(ci, types, 2) ? to_i64(L, args[2], types[2]) : i64c(L, 50);
    E.endpoint = given(ci, types, 3) ? args[3] : LLVMConstInt(L->i1, 1, 0);
    cg_raise_if(L, slt(L, E.n, zero(L)), "builtins:ValueError", "Number of samples must be non-negative.");
    E.div = LLVMBuildSelect(L->b, E.endpoint, LLVMBuildSub(L->b, E.n, i64c(L, 1), ""), E.n, "");
    LLVMValueRef some = slt(L, zero(L), E.div);
    E.tiny = LLVMConstInt(L->i1, 1, 0);
    LLVMValueRef fdiv = LLVMBuildSIToFP(L->b, E.div, L->f64, ""), quot[2];
    for (int k = 0; k < 1 + E.cplx; k++) E.delta[k] = LLVMBuildFSub(L->b, E.stop[k], E.start[k], "");
    if (E.cplx) {   /* (dr + di j) / (div + 0j): rat = 0 / div, scl = 1 / (div + 0 * rat) */
        LLVMValueRef rat = LLVMBuildFDiv(L->b, f64c(L, 0), fdiv, "");
        E.scl = LLVMBuildFDiv(L->b, f64c(L, 1), LLVMBuildFAdd(L->b, fdiv, LLVMBuildFMul(L->b, f64c(L, 0), rat, ""), ""), "");
        quot[0] = LLVMBuildFMul(L->b, LLVMBuildFAdd(L->b, E.delta[0], LLVMBuildFMul(L->b, E.delta[1], rat, ""), ""), E.scl, "");
        quot[1] = LLVMBuildFMul(L->b, LLVMBuildFSub(L->b, E.delta[1], LLVMBuildFMul(L->b, E.delta[0], rat, ""), ""), E.scl, "");
    } else {
        quot[0] = LLVMBuildFDiv(L->b, E.delta[0], fdiv, "");
    }
    for (int k = 0; k < 1 + E.cplx; k++) {
        E.step[k] = LLVMBuildSelect(L->b, some, quot[k], f64c(L, NAN), "");
        E.tiny = LLVMBuildAnd(L->b, E.tiny, LLVMBuildFCmp(L->b, LLVMRealOEQ, E.step[k], f64c(L, 0), ""), "");
    }
    E.out = cg_alloc_array(L, rt, &E.n);
    cg_loop_nest(L, 1, &E.n, linspace_body, &E);
    if (ci->ret->kind != TY_TUPLE) return E.out;
    LLVMValueRef step = E.step[0];
    if (E.cplx) {
        step = LLVMBuildInsertValue(L->b, LLVMGetUndef(L->c128), E.step[0], 0, "");
        step = LLVMBuildInsertValue(L->b, step, E.step[1], 1, "");
    }
    LLVMValueRef pair[2] = {E.out, step};
    return make_tuple(L, ci->ret, pair);
}

/* ---- dispatch ----------------------------------------------------------------------- */
LLVMValueRef cg_npshape_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    switch (ci->builtin) {
    case BI_NP_FLIP: case BI_NP_FLIPLR: case BI_NP_FLIPUD: return np_flip(L, in, ci, args, types);
    case BI_NP_ROT90: return np_rot90(L, in, ci, args, types);
    case BI_NP_SWAPAXES: return np_swapaxes(L, ci, args, types);
    case BI_NP_MOVEAXIS: return np_moveaxis(L, in, ci, args, types);
    case BI_NP_EXPAND_DIMS: return np_expand_dims(L, in, ci, args, types);
    case BI_NP_SQUEEZE: return np_squeeze(L, in, ci, args, types);
    case BI_NP_BROADCAST_TO: return np_broadcast_to(L, ci, args, types);
    case BI_NP_ATLEAST_1D: case BI_NP_ATLEAST_2D: case BI_NP_ATLEAST_3D: return np_atleast(L, ci, args, types);
    case BI_NP_DIAGONAL: return np_diagonal(L, in, ci, args, types);
    case BI_NP_DIAG: return np_diag(L, ci, args, types);
    case BI_NP_TRIU: case BI_NP_TRIL: return np_tri(L, ci, args, types);
    case BI_NP_TRACE: return np_trace(L, in, ci, args, types);
    case BI_NP_ROLL: return np_roll(L, in, ci, args, types);
    case BI_NP_TILE: return np_tile(L, ci, args, types);
    case BI_NP_REPEAT: return np_repeat(L, in, ci, args, types);
    case BI_NP_STACK: return np_stack(L, in, ci, args, types);
    case BI_NP_HSTACK: case BI_NP_VSTACK: case BI_NP_DSTACK: case BI_NP_COLUMN_STACK: return np_hvdstack(L, ci, args, types);
    case BI_NP_SPLIT: case BI_NP_ARRAY_SPLIT: case BI_NP_HSPLIT: case BI_NP_VSPLIT: case BI_NP_DSPLIT:
        return np_split(L, in, ci, args, types);
    case BI_NP_PAD: return np_pad(L, in, ci, args, types);
    case BI_NP_MESHGRID: return np_meshgrid(L, in, ci, args, types);
    case BI_NP_INDICES: return np_indices(L, ci, args, types);
    case BI_NP_LINSPACE: return np_linspace(L, ci, args, types);
    }
    return cg_npstats_call(L, in, ci, args, types);
}
