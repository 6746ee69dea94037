/* lower_fancy.c: advanced ("fancy") indexing: an index that holds an array.
 *
 * Three forms:
 *   - One 1-D array among basic parts (a[idx], a[mask], a[1:, idx], a[idx, 2]). An integer array
 *     picks positions (negative ones wrap, every one is checked: IndexError) along the dimension
 *     it stands for, repeats allowed; a boolean array of that dimension's length picks where it
 *     is true. The other parts make a basic view first (the "view" below, with the array's
 *     dimension q kept whole); the result has the view's shape with dimension q replaced by the
 *     number of picks.
 *   - A boolean array of the same shape as the array, alone (a[a > 0] on a matrix): the elements
 *     where it is true, in C order, as a 1-D array.
 *   - NumPy's general form (ti_index_general): several integer arrays broadcast together, n-d
 *     index arrays, integers among them (see "general advanced indexing" below).
 * Reading gives a new C array (a copy). Writing assigns a scalar to every pick, or the values of
 * an array broadcast to the result's shape, picks in order; with repeated indices the last write
 * wins. A value that overlaps the target is copied first.
 */
#include "lower.h"
#include <string.h>


bool cg_is_fancy(const Type *it) {
    if (it->kind == TY_ARRAY) return true;
    if (it->kind != TY_TUPLE) return false;
    for (int i = 0; i < it->n; i++)
        if (it->elems[i]->kind == TY_ARRAY) return true;
    return false;
}

/* a with dimension q fixed at j: the sub-array (type *st), or with one dimension the element's
 * address (*elem). */
static LLVMValueRef drop_dim(Lower *L, const Type *t, LLVMValueRef a, int q, LLVMValueRef j, const Type **st,
                             LLVMValueRef *elem) {
    LLVMValueRef p = cg_gep8(L, cg_arr_data(L, a), LLVMBuildMul(L->b, j, cg_arr_stride(L, t, a, q), ""));
    if (t->ndim == 1) {
        *elem = p;
        return NULL;
    }
    LLVMValueRef shape[64], strides[64];
    int n = 0;
    for (int k = 0; k < t->ndim; k++) {
        if (k == q) continue;
        shape[n] = cg_arr_shape(L, a, k);
        strides[n++] = cg_arr_stride(L, t, a, k);
    }
    *st = ty_array(t->dtype, t->ndim - 1, 'A', false);
    return cg_make_array(L, *st, cg_arr_meminfo(L, a), LLVMBuildExtractValue(L->b, a, 1, ""), p, shape, strides);
}

static LLVMValueRef load_bool(Lower *L, const Type *t, LLVMValueRef p) {
    return cg_truth(L, cg_load_elem(L, t->dtype, p), ty_scalar_of(t->dtype));
}

/* ---- one array among basic parts --------------------------------------------------- */
typedef struct Sel {
    const Type *vt;        /* the basic view, the array's dimension kept whole */
    LLVMValueRef view;
    int q;                 /* that dimension of the view */
    const Type *xt;        /* the index array */
    LLVMValueRef x;
    LLVMValueRef n;        /* view.shape[q] */
    LLVMValueRef count;    /* the number of picks (computed by sel_count) */
} Sel;

/* The boolean index's element at position j. */
static LLVMValueRef mask_at(Lower *L, Sel *S, LLVMValueRef j) {
    return load_bool(L, S->xt, cg_gep8(L, cg_arr_data(L, S->x), LLVMBuildMul(L->b, j, cg_arr_stride(L, S->xt, S->x, 0), "")));
}

static void sel_init(Lower *L, const Type *at, LLVMValueRef a, const Type *it, LLVMValueRef iv, Sel *S) {
    memset(S, 0, sizeof *S);
    int nparts = it->kind == TY_TUPLE ? it->n : 1, nint = 0, nnone = 0;
    const Type *parts[64];
    for (int p = 0; p < nparts; p++) {
        const Type *pt = it->kind == TY_TUPLE ? it->elems[p] : it;
        parts[p] = pt;
        if (pt->kind == TY_ARRAY) {
            S->xt = pt;
            S->x = it->kind == TY_TUPLE ? LLVMBuildExtractValue(L->b, iv, (unsigned)p, "") : iv;
            S->q = p - nint;
            parts[p] = ty_slice(0);   /* kept whole in the view */
        } else if (ty_is_int(pt) || pt == ty_bool) {
            nint++;
        } else if (pt->kind == TY_NONE) {
            nnone++;
        }
    }
    const Type *sub = it->kind == TY_TUPLE ? ty_tuple(nparts, parts) : parts[0];
    S->vt = ty_array(at->dtype, at->ndim - nint + nnone, 'A', false);
    LLVMValueRef elem = NULL;
    S->view = cg_index_basic(L, at, a, sub, iv, -1, S->vt, &elem);
    S->n = cg_arr_shape(L, S->view, S->q);
    if (S->xt->dtype != DT_BOOL) {
        S->count = cg_arr_shape(L, S->x, 0);
        return;
    }
    cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, S->x, 0), S->n, ""), "builtins:IndexError",
                 "boolean index did not match the indexed array's shape");
    LLVMValueRef cslot = cg_entry_alloca(L, L->i64, "count");
    LLVMBuildStore(L->b, i64c(L, 0), cslot);
    LoopCtx lc;
    LLVMValueRef j = cg_loop_begin(L, &lc, S->n);
    LLVMValueRef inc = LLVMBuildZExt(L->b, mask_at(L, S, j), L->i64, "");
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, LLVMBuildLoad2(L->b, L->i64, cslot, ""), inc, ""), cslot);
    cg_loop_end(L, &lc);
    S->count = LLVMBuildLoad2(L->b, L->i64, cslot, "count");
}

typedef void (*SelBody)(Lower *L, Sel *S, LLVMValueRef j, LLVMValueRef k, void *env);

/* body(j, k) for the k-th pick, at position j of the view's dimension q. */
static void sel_each(Lower *L, Sel *S, SelBody body, void *env) {
    LoopCtx lc;
    if (S->xt->dtype != DT_BOOL) {
        LLVMValueRef x0 = cg_arr_data(L, S->x), xs = cg_arr_stride(L, S->xt, S->x, 0);
        LLVMValueRef k = cg_loop_begin(L, &lc, S->count);
        const Type *et = ty_scalar_of(S->xt->dtype);
        LLVMValueRef i = cg_cast(L, cg_load_elem(L, S->xt->dtype, cg_gep8(L, x0, LLVMBuildMul(L->b, k, xs, ""))), et, ty_int64);
        body(L, S, cg_wrap_index(L, i, S->n, true), k, env);
        cg_loop_end(L, &lc);
        return;
    }
    LLVMValueRef kslot = cg_entry_alloca(L, L->i64, "k");
    LLVMBuildStore(L->b, i64c(L, 0), kslot);
    LLVMValueRef j = cg_loop_begin(L, &lc, S->n);
    LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(L->c, L->func, "pick");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "next");
    LLVMBuildCondBr(L->b, mask_at(L, S, j), yes, next);
    LLVMPositionBuilderAtEnd(L->b, yes);
    LLVMValueRef k = LLVMBuildLoad2(L->b, L->i64, kslot, "k");
    body(L, S, j, k, env);
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, k, i64c(L, 1), ""), kslot);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
    cg_loop_end(L, &lc);
}

typedef struct Put {
    const Type *dt_t;      /* the result (reading) */
    LLVMValueRef dst;
    const Type *valt;      /* the value (writing) */
    LLVMValueRef val;
    int qv;                /* the value's dimension matching q, or -1 when it broadcasts over q */
    LLVMValueRef vone;     /* the value's dimension qv has length 1 */
} Put;

static void copy_pick(Lower *L, Sel *S, LLVMValueRef j, LLVMValueRef k, void *env) {
    Put *P = env;
    const Type *st = NULL, *dt = NULL;
    LLVMValueRef se = NULL, de = NULL;
    LLVMValueRef src = drop_dim(L, S->vt, S->view, S->q, j, &st, &se);
    LLVMValueRef dst = drop_dim(L, P->dt_t, P->dst, S->q, k, &dt, &de);
    int dty = S->vt->dtype;
    if (se) cg_store_elem(L, dty, de, cg_load_elem(L, dty, se), ty_scalar_of(dty));
    else cg_assign_noalias(L, dt, dst, st, src);
}

static void put_pick(Lower *L, Sel *S, LLVMValueRef j, LLVMValueRef k, void *env) {
    Put *P = env;
    const Type *dt = NULL, *vt_ = P->valt;
    LLVMValueRef de = NULL, v = P->val;
    LLVMValueRef dst = drop_dim(L, S->vt, S->view, S->q, j, &dt, &de);
    if (vt_->kind == TY_ARRAY && P->qv >= 0) {   /* the value's slab for this pick */
        LLVMValueRef ve = NULL;
        const Type *st = NULL;
        LLVMValueRef kk = LLVMBuildSelect(L->b, P->vone, i64c(L, 0), k, "");
        v = drop_dim(L, vt_, v, P->qv, kk, &st, &ve);
        if (ve) {
            v = cg_load_elem(L, vt_->dtype, ve);
            vt_ = ty_scalar_of(vt_->dtype);
        } else {
            vt_ = st;
        }
    }
    if (de) cg_store_elem(L, S->vt->dtype, de, v, vt_);
    else cg_assign_noalias(L, dt, dst, vt_, v);
}

/* Reading through a boolean mask, one element per position: the element at p is written to
 * out[k] whether picked or not, and k advances by the mask. That keeps a random mask (a[a > 0.5])
 * free of mispredicted branches; the next pick, if any, overwrites a write not picked. The one
 * test left, k < count (the last picks done, out has no room after them), is predictable. */
static void pick_without_branch(Lower *L, int dt, LLVMValueRef p, LLVMValueRef out, LLVMValueRef kslot,
                                LLVMValueRef count, LLVMValueRef on) {
    LLVMValueRef k = LLVMBuildLoad2(L->b, L->i64, kslot, "k");
    LLVMBasicBlockRef room = LLVMAppendBasicBlockInContext(L->c, L->func, "room");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "next");
    cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntSLT, k, count, ""), true, room, next);
    LLVMPositionBuilderAtEnd(L->b, room);
    LLVMValueRef d = cg_gep8(L, out, LLVMBuildMul(L->b, k, i64c(L, ty_dtypes[dt].size), ""));
    cg_store_elem(L, dt, d, cg_load_elem(L, dt, p), ty_scalar_of(dt));
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, k, LLVMBuildZExt(L->b, on, L->i64, ""), ""), kslot);
}

/* The elements of a 1-d view through a boolean index, into out (room for S->count). */
static void sel_mask_read(Lower *L, Sel *S, LLVMValueRef out) {
    LLVMValueRef kslot = cg_entry_alloca(L, L->i64, "k"), vs = cg_arr_stride(L, S->vt, S->view, 0);
    LLVMBuildStore(L->b, i64c(L, 0), kslot);
    LoopCtx lc;
    LLVMValueRef j = cg_loop_begin(L, &lc, S->n);
    LLVMValueRef p = cg_gep8(L, cg_arr_data(L, S->view), LLVMBuildMul(L->b, j, vs, ""));
    pick_without_branch(L, S->vt->dtype, p, out, kslot, S->count, mask_at(L, S, j));
    cg_loop_end(L, &lc);
}

/* ---- a boolean array over every dimension ------------------------------------------ */
static bool full_mask(const Type *at, const Type *it) {
    return it->kind == TY_ARRAY && it->dtype == DT_BOOL && it->ndim == at->ndim && at->ndim > 1;
}

typedef struct Mask {
    const Type *at, *mt, *rt;
    LLVMValueRef a, m, r, kslot, count;
    const Type *valt;
    LLVMValueRef val, vone;
    int mode;   /* 0 count, 1 read, 2 write */
} Mask;

static void mask_body(Lower *L, LLVMValueRef *idx, void *env) {
    Mask *M = env;
    LLVMValueRef on = load_bool(L, M->mt, cg_elem_ptr(L, M->mt, M->m, idx));
    LLVMValueRef k = LLVMBuildLoad2(L->b, L->i64, M->kslot, "k");
    if (M->mode == 0) {
        LLVMBuildStore(L->b, LLVMBuildAdd(L->b, k, LLVMBuildZExt(L->b, on, L->i64, ""), ""), M->kslot);
        return;
    }
    if (M->mode == 1) {
        LLVMValueRef p = cg_elem_ptr(L, M->at, M->a, idx);
        pick_without_branch(L, M->at->dtype, p, cg_arr_data(L, M->r), M->kslot, M->count, on);
        return;
    }
    LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(L->c, L->func, "pick");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "next");
    LLVMBuildCondBr(L->b, on, yes, next);
    LLVMPositionBuilderAtEnd(L->b, yes);
    int dt = M->at->dtype;
    LLVMValueRef p = cg_elem_ptr(L, M->at, M->a, idx);
    if (M->valt->kind == TY_ARRAY) {
        LLVMValueRef kk = LLVMBuildSelect(L->b, M->vone, i64c(L, 0), k, "");
        LLVMValueRef vp = cg_gep8(L, cg_arr_data(L, M->val), LLVMBuildMul(L->b, kk, cg_arr_stride(L, M->valt, M->val, 0), ""));
        cg_store_elem(L, dt, p, cg_load_elem(L, M->valt->dtype, vp), ty_scalar_of(M->valt->dtype));
    } else {
        cg_store_elem(L, dt, p, M->val, M->valt);
    }
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, k, i64c(L, 1), ""), M->kslot);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
}

static void mask_run(Lower *L, Mask *M, int mode) {
    LLVMValueRef shape[64];
    for (int k = 0; k < M->at->ndim; k++) shape[k] = cg_arr_shape(L, M->a, k);
    LLVMBuildStore(L->b, i64c(L, 0), M->kslot);
    M->mode = mode;
    cg_loop_nest(L, M->at->ndim, shape, mask_body, M);
}

static void mask_init(Lower *L, Mask *M, const Type *at, LLVMValueRef a, const Type *mt, LLVMValueRef m) {
    memset(M, 0, sizeof *M);
    M->at = at;
    M->a = a;
    M->mt = mt;
    M->m = m;
    LLVMValueRef same = LLVMConstInt(L->i1, 1, 0);
    for (int k = 0; k < at->ndim; k++)
        same = LLVMBuildAnd(L->b, same, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, a, k), cg_arr_shape(L, m, k), ""), "");
    cg_raise_unless(L, same, "builtins:IndexError", "boolean index did not match the indexed array's shape");
    M->kslot = cg_entry_alloca(L, L->i64, "k");
    mask_run(L, M, 0);
    M->count = LLVMBuildLoad2(L->b, L->i64, M->kslot, "count");
}

/* ---- NumPy's general advanced indexing ---------------------------------------------- *
 * Several integer index arrays (and integers, which then count as 0-d index arrays) broadcast
 * together to a shape B; the other parts (slices, None, dimensions not indexed) make a basic view
 * where each advanced part's dimension is kept whole. The result has B's dimensions where the
 * advanced parts stand when they are adjacent in the index, else first, then the view's other
 * dimensions in order (a[0, :, idx] is idx's length first). Each result position reads (or
 * writes) the view at the indices the index arrays hold there (wrapped, checked: IndexError). */
typedef struct Adv {
    const Type *vt;
    LLVMValueRef view;             /* the basic view */
    int nparts;
    const Type *pt[64];            /* per index part: its type, value, view dimension (advanced) or -1 */
    LLVMValueRef pv[64];
    int vpos[64];
    LLVMValueRef (*xstr)[64];      /* per index array part: its strides read over B (0 where broadcast) */
    int nb, bstart, rnd;
    LLVMValueRef rshape[64];
    int rdim[64];                  /* per view dimension not advanced: its result dimension */
    const Type *rt, *valt;         /* reading: the result; writing: the value (a scalar, or an array and its strides) */
    LLVMValueRef out, val, vstr[64];
    bool write;
} Adv;

static void adv_init(Lower *L, const Type *at, LLVMValueRef a, const Type *it, LLVMValueRef iv, Adv *A) {
    memset(A, 0, sizeof *A);
    A->xstr = ctx_alloc(L->ctx, sizeof(LLVMValueRef[64]) * 64);
    A->nparts = it->kind == TY_TUPLE ? it->n : 1;
    const Type *sub[64];
    int nnone = 0, first = -1, last = -1;
    for (int p = 0; p < A->nparts; p++) {
        A->pt[p] = it->kind == TY_TUPLE ? it->elems[p] : it;
        A->pv[p] = it->kind == TY_TUPLE ? LLVMBuildExtractValue(L->b, iv, (unsigned)p, "") : iv;
        bool adv = A->pt[p]->kind == TY_ARRAY || ty_is_int(A->pt[p]);
        sub[p] = adv ? ty_slice(0) : A->pt[p];   /* an advanced part's dimension kept whole */
        nnone += A->pt[p]->kind == TY_NONE;
        if (adv && first < 0) first = p;
        if (adv) last = p;
    }
    bool adjacent = true;
    for (int p = first; p <= last; p++) adjacent &= A->pt[p]->kind == TY_ARRAY || ty_is_int(A->pt[p]);
    A->vt = ty_array(at->dtype, at->ndim + nnone, 'A', false);
    LLVMValueRef elem = NULL;
    A->view = cg_index_basic(L, at, a, it->kind == TY_TUPLE ? ty_tuple(A->nparts, sub) : sub[0], iv, -1, A->vt, &elem);
    /* B: the broadcast shape of the index arrays (IndexError where they do not broadcast) */
    for (int p = 0; p < A->nparts; p++)
        if (A->pt[p]->kind == TY_ARRAY && A->pt[p]->ndim > A->nb) A->nb = A->pt[p]->ndim;
    LLVMValueRef bshape[64];
    for (int k = 0; k < A->nb; k++) bshape[k] = i64c(L, 1);
    for (int p = 0; p < A->nparts; p++) {
        const Type *t = A->pt[p];
        if (t->kind != TY_ARRAY) continue;
        for (int k = 0, shift = A->nb - t->ndim; k < t->ndim; k++) {
            LLVMValueRef n = cg_arr_shape(L, A->pv[p], k), cur = bshape[k + shift];
            LLVMValueRef ok = LLVMBuildOr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 1), ""),
                                          LLVMBuildOr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, cur, i64c(L, 1), ""),
                                                      LLVMBuildICmp(L->b, LLVMIntEQ, n, cur, ""), ""), "");
            cg_raise_unless(L, ok, "builtins:IndexError", "shape mismatch: indexing arrays could not be broadcast together");
            bshape[k + shift] = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 1), ""), cur, n, "");
        }
    }
    for (int p = 0; p < A->nparts; p++) {
        const Type *t = A->pt[p];
        if (t->kind != TY_ARRAY) continue;
        for (int k = 0, shift = A->nb - t->ndim; k < t->ndim; k++) {
            LLVMValueRef bcast = LLVMBuildICmp(L->b, LLVMIntNE, cg_arr_shape(L, A->pv[p], k), bshape[k + shift], "");
            A->xstr[p][k] = LLVMBuildSelect(L->b, bcast, i64c(L, 0), cg_arr_stride(L, t, A->pv[p], k), "");
        }
    }
    /* the view's dimensions: advanced ones, and where the others go in the result */
    bool adv_dim[64] = {0};
    for (int p = 0, d = 0; p < A->nparts; p++, d++) {
        bool adv = A->pt[p]->kind == TY_ARRAY || ty_is_int(A->pt[p]);
        A->vpos[p] = adv ? d : -1;
        if (adv) adv_dim[d] = true;
    }
    int r = adjacent ? 0 : A->nb;
    A->bstart = 0;
    bool placed = !adjacent;
    for (int d = 0; d < A->vt->ndim; d++) {
        if (adv_dim[d]) {
            if (!placed) {
                A->bstart = r;
                r += A->nb;
                placed = true;
            }
            continue;
        }
        A->rdim[d] = r;
        A->rshape[r++] = cg_arr_shape(L, A->view, d);
    }
    for (int k = 0; k < A->nb; k++) A->rshape[A->bstart + k] = bshape[k];
    A->rnd = r;
}

static void adv_body(Lower *L, LLVMValueRef *idx, void *env) {
    Adv *A = env;
    LLVMValueRef vidx[64];
    for (int d = 0; d < A->vt->ndim; d++) vidx[d] = idx[A->rdim[d]];   /* advanced ones replaced below */
    for (int p = 0; p < A->nparts; p++) {
        if (A->vpos[p] < 0) continue;
        const Type *t = A->pt[p];
        LLVMValueRef i;
        if (t->kind == TY_ARRAY) {
            LLVMValueRef off = i64c(L, 0);
            for (int k = 0, shift = A->nb - t->ndim; k < t->ndim; k++)
                off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[A->bstart + shift + k], A->xstr[p][k], ""), "");
            i = cg_cast(L, cg_load_elem(L, t->dtype, cg_gep8(L, cg_arr_data(L, A->pv[p]), off)), ty_scalar_of(t->dtype), ty_int64);
        } else {
            i = cg_cast(L, A->pv[p], t, ty_int64);
        }
        vidx[A->vpos[p]] = cg_wrap_index(L, i, cg_arr_shape(L, A->view, A->vpos[p]), true);
    }
    LLVMValueRef p = cg_elem_ptr(L, A->vt, A->view, vidx);
    int dt = A->vt->dtype;
    if (!A->write) {
        cg_store_elem(L, A->rt->dtype, cg_elem_ptr(L, A->rt, A->out, idx), cg_load_elem(L, dt, p), ty_scalar_of(dt));
        return;
    }
    if (A->valt->kind != TY_ARRAY) {
        cg_store_elem(L, dt, p, A->val, A->valt);
        return;
    }
    LLVMValueRef off = i64c(L, 0);
    for (int k = 0, shift = A->rnd - A->valt->ndim; k < A->valt->ndim; k++)
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[shift + k], A->vstr[k], ""), "");
    cg_store_elem(L, dt, p, cg_load_elem(L, A->valt->dtype, cg_gep8(L, cg_arr_data(L, A->val), off)), ty_scalar_of(A->valt->dtype));
}

static LLVMValueRef adv_getitem(Lower *L, const Type *at, LLVMValueRef a, const Type *it, LLVMValueRef iv, const Type *rt) {
    Adv *A = ctx_alloc(L->ctx, sizeof *A);
    adv_init(L, at, a, it, iv, A);
    A->rt = rt;
    A->out = cg_alloc_array(L, rt, A->rshape);
    cg_loop_nest(L, A->rnd, A->rshape, adv_body, A);
    return A->out;
}

/* a[idx...] = value: the value (a scalar, or an array broadcast to the indexing result's shape:
 * ValueError otherwise) written at every position in order, so a repeated index keeps the last. */
static void adv_setitem(Lower *L, const Type *at, LLVMValueRef a, const Type *it, LLVMValueRef iv, const Type *valt, LLVMValueRef val) {
    Adv *A = ctx_alloc(L->ctx, sizeof *A);
    adv_init(L, at, a, it, iv, A);
    A->write = true;
    if (valt->kind == TY_ARRAY) {
        if (valt->ndim > A->rnd) {
            cg_raise_if(L, LLVMConstInt(L->i1, 1, 0), "builtins:ValueError", "could not broadcast the value into the indexing result");
            return;
        }
        val = cg_unaliased(L, A->vt, A->view, &valt, val);
        for (int k = 0, shift = A->rnd - valt->ndim; k < valt->ndim; k++) {
            LLVMValueRef n = cg_arr_shape(L, val, k), want = A->rshape[shift + k];
            LLVMValueRef one = LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 1), "");
            cg_raise_unless(L, LLVMBuildOr(L->b, one, LLVMBuildICmp(L->b, LLVMIntEQ, n, want, ""), ""), "builtins:ValueError",
                            "shape mismatch: the value array could not be broadcast to the indexing result's shape");
            A->vstr[k] = LLVMBuildSelect(L->b, one, i64c(L, 0), cg_arr_stride(L, valt, val, k), "");
        }
    }
    A->valt = valt;
    A->val = val;
    cg_loop_nest(L, A->rnd, A->rshape, adv_body, A);
}

/* Whether the one integer index array stands after a dimension the result keeps (a[:, idx]): then
 * each element is read or written in the result's C order (adv_getitem, adv_setitem), a row's picks
 * gathered along it, where sel_each walked each pick's column down the rows: U[:, k] of a
 * 1000 x 1000 U took 2.0 ms, numba's 0.69. */
static bool picks_inner(const Type *it) {
    bool kept_before = false;
    for (int p = 0; it->kind == TY_TUPLE && p < it->n; p++) {
        const Type *pt = it->elems[p];
        if (pt->kind == TY_ARRAY) return pt->dtype != DT_BOOL && pt->ndim == 1 && kept_before;
        kept_before |= pt->kind == TY_SLICE || pt->kind == TY_NONE;
    }
    return false;
}

/* ---- entry points ------------------------------------------------------------------ */
LLVMValueRef cg_fancy_getitem(Lower *L, Instr *in) {
    return cg_fancy_get(L, L->ti->vtypes[in->args[0]], L->vals[in->args[0]], L->ti->vtypes[in->args[1]],
                        L->vals[in->args[1]], L->ti->vtypes[in->id]);
}

/* a[iv] of types at[it] as a new array of type rt. */
LLVMValueRef cg_fancy_get(Lower *L, const Type *at, LLVMValueRef a, const Type *it, LLVMValueRef iv, const Type *rt) {
    if (ti_index_general(it) || picks_inner(it)) return adv_getitem(L, at, a, it, iv, rt);
    if (full_mask(at, it)) {
        Mask M;
        mask_init(L, &M, at, a, it, iv);
        M.rt = rt;
        M.r = cg_alloc_array(L, rt, &M.count);
        mask_run(L, &M, 1);
        return M.r;
    }
    Sel S;
    sel_init(L, at, a, it, iv, &S);
    LLVMValueRef shape[64];
    for (int k = 0; k < rt->ndim; k++) shape[k] = k == S.q ? S.count : cg_arr_shape(L, S.view, k);
    Put P = {.dt_t = rt, .dst = cg_alloc_array(L, rt, shape)};
    if (S.xt->dtype == DT_BOOL && S.vt->ndim == 1) sel_mask_read(L, &S, cg_arr_data(L, P.dst));
    else sel_each(L, &S, copy_pick, &P);
    return P.dst;
}

/* The value's length along its dimension qv must be the number of picks, or 1. */
static LLVMValueRef check_value_len(Lower *L, LLVMValueRef val, int qv, LLVMValueRef count) {
    LLVMValueRef vn = cg_arr_shape(L, val, qv);
    LLVMValueRef one = LLVMBuildICmp(L->b, LLVMIntEQ, vn, i64c(L, 1), "");
    cg_raise_unless(L, LLVMBuildOr(L->b, one, LLVMBuildICmp(L->b, LLVMIntEQ, vn, count, ""), ""), "builtins:ValueError",
                 "shape mismatch: the value array could not be broadcast to the indexing result's shape");
    return one;
}

void cg_fancy_setitem(Lower *L, Instr *in) {
    const Type *at = L->ti->vtypes[in->args[0]], *it = L->ti->vtypes[in->args[1]], *valt = L->ti->vtypes[in->args[2]];
    LLVMValueRef a = L->vals[in->args[0]], iv = L->vals[in->args[1]], val = L->vals[in->args[2]];
    if (valt->kind == TY_ARRAY && valt->ndim == 0) val = cg_elem_of_0d(L, &valt, val);   /* (it wrote nothing) */
    if (ti_index_general(it) || picks_inner(it)) {
        adv_setitem(L, at, a, it, iv, valt, val);
        return;
    }
    if (full_mask(at, it)) {
        Mask M;
        mask_init(L, &M, at, a, it, iv);
        if (valt->kind == TY_ARRAY) {
            if (valt->ndim != 1) {
                cg_raise_if(L, LLVMConstInt(L->i1, 1, 0), "builtins:ValueError",
                            "a boolean-mask assignment takes a scalar or a 1-d array");
                return;
            }
            val = cg_unaliased(L, at, a, &valt, val);
            M.vone = check_value_len(L, val, 0, M.count);
        }
        M.valt = valt;
        M.val = val;
        mask_run(L, &M, 2);
        return;
    }
    Sel S;
    sel_init(L, at, a, it, iv, &S);
    Put P = {.valt = valt, .val = val, .qv = -1};
    if (valt->kind == TY_ARRAY) {
        int nd = S.vt->ndim;
        if (valt->ndim > nd) {
            cg_raise_if(L, LLVMConstInt(L->i1, 1, 0), "builtins:ValueError", "could not broadcast the value into the target");
            return;
        }
        P.val = cg_unaliased(L, S.vt, S.view, &P.valt, val);
        P.qv = S.q - (nd - valt->ndim);
        if (P.qv >= 0) P.vone = check_value_len(L, P.val, P.qv, S.count);
    }
    sel_each(L, &S, put_pick, &P);
}
