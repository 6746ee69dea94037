/* lower_nplib.c: NumPy library functions in generated code (typed in typeinfer/nplib.c).
 *
 * Sorting, searching and order statistics call the runtime's typed kernels (runtime/sort.c);
 * float64 products and np.linalg call NumPy's own BLAS/LAPACK through runtime/linalg.c (other
 * dtypes of dot/@/outer/vdot are loops in the canonical element type, as NumPy's own integer
 * loops are); np.random calls the per-thread legacy generator of runtime/random.c. Runtime
 * functions are called by name (contract 1) and report failures through the error record: a
 * non-zero status propagates.
 */
#include "lower.h"
#include "random.h"
#include <math.h>
#include <stddef.h>
#include <string.h>

static LLVMValueRef none_value(Lower *L) { return LLVMConstInt(L->i8, 0, 0); }

static const char *dt_suffix(int dt) {
    switch (dt) {
    case DT_BOOL: return "b1";
    case DT_INT8: return "i1";
    case DT_INT16: return "i2";
    case DT_INT32: return "i4";
    case DT_INT64: return "i8";
    case DT_UINT8: return "u1";
    case DT_UINT16: return "u2";
    case DT_UINT32: return "u4";
    case DT_UINT64: return "u8";
    case DT_FLOAT32: return "f4";
    default: return "f8";
    }
}

/* Call a runtime function returning a status (0, or -1 with the error record set). */
void cg_rt_check(Lower *L, const char *name, LLVMTypeRef *pt, LLVMValueRef *args, int n) {
    cg_check_status(L, cg_call(L, name, L->i32, pt, args, n));
}

static LLVMValueRef isz(Lower *L, int dt) { return i64c(L, ty_dtypes[dt].size); }

static LLVMValueRef load_i64(Lower *L, LLVMValueRef slot) { return LLVMBuildLoad2(L->b, L->i64, slot, ""); }

static LLVMValueRef counter(Lower *L, const char *name, LLVMValueRef init) {
    LLVMValueRef s = cg_entry_alloca(L, L->i64, name);
    LLVMBuildStore(L->b, init, s);
    return s;
}

/* A new C-contiguous copy of a, converted to dtype dt (*ct its type). */
static LLVMValueRef contig_copy(Lower *L, const Type *at, LLVMValueRef a, int dt, const Type **ct) {
    *ct = ty_array(dt, at->ndim, 'C', false);
    return cg_copy_array(L, at, a, *ct);
}

/* a itself, or an aligned C copy of an unaligned a (*t updated): the runtime's C kernels and
 * BLAS/LAPACK may assume aligned elements, so they never see unaligned data. */
static LLVMValueRef aligned(Lower *L, const Type **t, LLVMValueRef a) {
    if (!(*t)->unaligned) return a;
    return contig_copy(L, *t, a, (*t)->dtype, t);
}

/* A 1-d view (meminfo of `owner`) of n elements at data with byte stride s. */
static LLVMValueRef view1(Lower *L, int dt, LLVMValueRef owner, LLVMValueRef data, LLVMValueRef n, LLVMValueRef s,
                          char layout) {
    return cg_make_array(L, ty_array(dt, 1, layout, false), cg_arr_meminfo(L, owner), LLVMBuildExtractValue(L->b, owner, 1, ""),
                         data, &n, &s);
}

/* The elements of any array as one lane (data, n, stride): a itself when 1-d or C-contiguous,
 * else a C copy; converted to dtype dt when `dt` differs (-1: keep). */
void cg_flat_lane(Lower *L, const Type *at, LLVMValueRef a, int dt, LLVMValueRef *data, LLVMValueRef *n,
                  LLVMValueRef *stride) {
    if (dt < 0) dt = at->dtype;
    if (at->ndim > 1 && at->layout == 'C' && at->dtype == dt && !at->unaligned) {
        *n = cg_array_size(L, at, a);
        *stride = isz(L, dt);
    } else if (at->ndim != 1 || at->dtype != dt || at->unaligned) {
        const Type *ct;
        a = contig_copy(L, at, a, dt, &ct);
        at = ct;
        *n = cg_array_size(L, ct, a);
        *stride = isz(L, dt);
    } else {
        *n = cg_arr_shape(L, a, 0);
        *stride = cg_arr_stride(L, at, a, 0);
    }
    *data = cg_arr_data(L, a);
}

/* cg_flat_lane for reading the elements of a 2-d array of other strides (a window a[y-1:y+2,
 * x-1:x+2]) once, in C order: up to 64 are copied to the frame's stack, more to a new C array
 * (np.nanmean of a 3x3 window per pixel allocated and freed a copy for each). */
void cg_flat_lane_read(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef *data, LLVMValueRef *n, LLVMValueRef *stride) {
    enum { SMALL = 64 };
    if (at->ndim != 2 || at->layout == 'C' || at->unaligned) {
        cg_flat_lane(L, at, a, -1, data, n, stride);
        return;
    }
    LLVMTypeRef et = cg_elem_llvm(L, at->dtype);
    LLVMValueRef rows = cg_arr_shape(L, a, 0), cols = cg_arr_shape(L, a, 1), size = cg_array_size(L, at, a);
    LLVMValueRef buf = cg_entry_alloca(L, LLVMArrayType2(et, SMALL), "lane.small");
    LLVMBasicBlockRef small = LLVMAppendBasicBlockInContext(L->c, L->func, "lane.small");
    LLVMBasicBlockRef big = LLVMAppendBasicBlockInContext(L->c, L->func, "lane.copy");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "lane.read");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntULE, size, i64c(L, SMALL), ""), small, big);
    LLVMPositionBuilderAtEnd(L->b, small);   /* a C view over the buffer, assigned a */
    const Type *ct = ty_array(at->dtype, 2, 'C', false);
    LLVMValueRef shape[2] = {rows, cols}, strides[2], none = LLVMConstNull(L->ptr);
    cg_c_strides(L, at->dtype, 2, shape, strides);
    cg_assign_noalias(L, ct, cg_make_array(L, ct, none, none, buf, shape, strides), at, a);
    LLVMBasicBlockRef small_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, big);
    LLVMValueRef bdata, bn, bstride;
    cg_flat_lane(L, at, a, -1, &bdata, &bn, &bstride);
    LLVMBasicBlockRef big_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    *data = cg_phi2(L, buf, small_end, bdata, big_end, "lane.data");
    *n = size;
    *stride = isz(L, at->dtype);
    (void)bn, (void)bstride;
}

/* Element (i) or (i, j) of a 1-d or 2-d array. */
static LLVMValueRef elem_at(Lower *L, const Type *t, LLVMValueRef a, LLVMValueRef i, LLVMValueRef j) {
    LLVMValueRef idx[2] = {i, j};
    return cg_elem_ptr(L, t, a, idx);
}

/* ---- sorting ----------------------------------------------------------------------- */
/* Sort every lane along the last axis of C-contiguous t in place. */
static void sort_lanes(Lower *L, const Type *t, LLVMValueRef a) {
    int nd = t->ndim;
    LLVMValueRef len = cg_arr_shape(L, a, nd - 1), rows = i64c(L, 1);
    for (int k = 0; k < nd - 1; k++) rows = LLVMBuildMul(L->b, rows, cg_arr_shape(L, a, k), "");
    char name[64];
    snprintf(name, sizeof name, "ember_rt_sort_%s", dt_suffix(t->dtype));
    LoopCtx lc;
    LLVMValueRef r = cg_loop_begin(L, &lc, rows);
    LLVMValueRef p = cg_gep8(L, cg_arr_data(L, a), LLVMBuildMul(L->b, LLVMBuildMul(L->b, r, len, ""), isz(L, t->dtype), ""));
    LLVMTypeRef pt[2] = {L->ptr, L->i64};
    LLVMValueRef args[2] = {p, len};
    cg_call(L, ctx_strdup(L->ctx, name), L->voidt, pt, args, 2);
    cg_loop_end(L, &lc);
}

/* Sort every lane along `axis` (not the last) of C-contiguous t in place, a block of columns at a
 * time: the block's lanes are gathered into a scratch buffer, one after another (reading
 * a[p, i, q0:q0 + w] for each i, whole cache lines), each sorted there, and scattered back the
 * same way. The buffer holds at most SORT_BLOCK_BYTES (it stays in L2), the block at most
 * SORT_BLOCK_LANES lanes, at least one. A transposed copy of the whole array and back instead
 * moved every element through a cache line of its own twice (1000 x 1000 float64: 16.8 ms
 * against NumPy's 10.4-12.7, which copies each lane out and back). */
enum { SORT_BLOCK_BYTES = 256 * 1024, SORT_BLOCK_LANES = 64 };

static void sort_axis_blocks(Lower *L, const Type *t, LLVMValueRef a, int axis) {
    int nd = t->ndim, dt = t->dtype;
    LLVMValueRef n = cg_arr_shape(L, a, axis), outer = i64c(L, 1), q = i64c(L, 1), sz = isz(L, dt);
    for (int k = 0; k < nd; k++)
        if (k < axis) outer = LLVMBuildMul(L->b, outer, cg_arr_shape(L, a, k), "");
        else if (k > axis) q = LLVMBuildMul(L->b, q, cg_arr_shape(L, a, k), "");
    LLVMValueRef one = i64c(L, 1), nn = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, n, one, ""), one, n, "");
    LLVMValueRef bw = LLVMBuildSDiv(L->b, i64c(L, SORT_BLOCK_BYTES / ty_dtypes[dt].size), nn, "");
    bw = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, bw, i64c(L, SORT_BLOCK_LANES), ""), i64c(L, SORT_BLOCK_LANES), bw, "");
    bw = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, bw, one, ""), one, bw, "");
    /* lanes a cache line further apart than their length: lanes of a power-of-two length
     * otherwise all fall in one L1 set (512 float64s: 2.2 ms more than the sort, 1.0 with it) */
    LLVMValueRef ld = LLVMBuildAdd(L->b, n, i64c(L, 64 / ty_dtypes[dt].size), "");
    LLVMValueRef blen = LLVMBuildMul(L->b, bw, ld, "");
    LLVMValueRef buf = cg_arr_data(L, cg_alloc_array(L, ty_array(dt, 1, 'C', false), &blen));   /* owned: dropped at the exit */
    LLVMValueRef nblocks = LLVMBuildSDiv(L->b, LLVMBuildAdd(L->b, q, LLVMBuildSub(L->b, bw, one, ""), ""), bw, "");
    LLVMTypeRef et = cg_elem_llvm(L, dt), pt[2] = {L->ptr, L->i64};
    char name[64];
    snprintf(name, sizeof name, "ember_rt_sort_%s", dt_suffix(dt));
    LoopCtx lp, lb, li, lj;
    LLVMValueRef p = cg_loop_begin(L, &lp, outer);
    LLVMValueRef q0 = LLVMBuildMul(L->b, cg_loop_begin(L, &lb, nblocks), bw, "");
    LLVMValueRef w = LLVMBuildSub(L->b, q, q0, "");
    w = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, w, bw, ""), w, bw, "");
    LLVMValueRef base = cg_gep8(L, cg_arr_data(L, a), LLVMBuildMul(L->b, LLVMBuildAdd(L->b, LLVMBuildMul(L->b, LLVMBuildMul(L->b, p, n, ""), q, ""), q0, ""), sz, ""));
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1) {   /* sort the block's lanes */
            LLVMValueRef j = cg_loop_begin(L, &lj, w);
            LLVMValueRef args[2] = {cg_gep8(L, buf, LLVMBuildMul(L->b, LLVMBuildMul(L->b, j, ld, ""), sz, "")), n};
            cg_call(L, ctx_strdup(L->ctx, name), L->voidt, pt, args, 2);
            cg_loop_end(L, &lj);
            continue;
        }
        LLVMValueRef i = cg_loop_begin(L, &li, n), j = cg_loop_begin(L, &lj, w);   /* gather (pass 0) or scatter back */
        LLVMValueRef pa = cg_gep8(L, base, LLVMBuildMul(L->b, LLVMBuildAdd(L->b, LLVMBuildMul(L->b, i, q, ""), j, ""), sz, ""));
        LLVMValueRef pb = cg_gep8(L, buf, LLVMBuildMul(L->b, LLVMBuildAdd(L->b, LLVMBuildMul(L->b, j, ld, ""), i, ""), sz, ""));
        LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, et, pass == 0 ? pa : pb, ""), pass == 0 ? pb : pa);
        cg_loop_end(L, &lj);
        cg_loop_end(L, &li);
    }
    cg_loop_end(L, &lb);
    cg_loop_end(L, &lp);
}

/* The axis of parameter i (a constant, made non-negative), `none` where it is None, `dflt`
 * where it is left out. */
static int axis_param(Lower *L, Instr *in, CallInfo *ci, const Type **types, int i, int nd, int none, int dflt) {
    int64_t ax;
    if (ci->argmap[i] < 0) return dflt;
    if (types[i]->kind == TY_NONE) return none;
    ti_const_int(L->ti, in->args[ci->argmap[i]], &ax);
    return (int)(ax < 0 ? ax + nd : ax);
}

/* The dims of t in the order that moves `axis` last; a view of a so reordered. */
static LLVMValueRef axis_last_view(Lower *L, const Type *t, LLVMValueRef a, int axis, const Type **vt) {
    int nd = t->ndim, j = 0;
    LLVMValueRef shape[64], strides[64];
    for (int k = 0; k <= nd; k++) {
        int d = k == nd ? axis : k;
        if (k == axis) continue;
        shape[j] = cg_arr_shape(L, a, d);
        strides[j++] = cg_arr_stride(L, t, a, d);
    }
    *vt = ty_view(t, t->dtype, nd, 'A');
    return cg_make_array(L, *vt, cg_arr_meminfo(L, a), LLVMBuildExtractValue(L->b, a, 1, ""), cg_arr_data(L, a), shape, strides);
}

/* A new C array of a's values with `axis` moved last (a C copy when it is last already), dtype dt. */
static LLVMValueRef axis_last_copy(Lower *L, const Type *at, LLVMValueRef a, int axis, int dt, const Type **ct) {
    const Type *vt;
    LLVMValueRef v = axis_last_view(L, at, a, axis, &vt);
    return contig_copy(L, vt, v, dt, ct);
}

/* target (type tt) = c (C, `axis` of target moved last). */
static void assign_axis_last(Lower *L, const Type *tt, LLVMValueRef target, int axis, const Type *ct, LLVMValueRef c) {
    const Type *vt;
    LLVMValueRef v = axis_last_view(L, tt, target, axis, &vt);
    cg_assign_noalias(L, vt, v, ct, c);
}

/* np.sort along axis (-1: of the flattened array), or a.sort(axis) in place. */
static LLVMValueRef np_sort(Lower *L, const Type *at, LLVMValueRef a, int axis, bool in_place, const Type *rt) {
    const Type *ct;
    int nd = at->ndim;
    if (in_place && at->layout == 'C' && !at->unaligned && axis == nd - 1) {
        sort_lanes(L, at, a);
        return none_value(L);
    }
    if (axis < 0) {   /* a flat copy */
        LLVMValueRef c = contig_copy(L, at, a, at->dtype, &ct);
        LLVMValueRef n = cg_array_size(L, ct, c);
        c = view1(L, at->dtype, c, cg_arr_data(L, c), n, isz(L, at->dtype), 'C');
        sort_lanes(L, rt, c);
        return c;
    }
    if (axis < nd - 1 && in_place && at->layout == 'C' && !at->unaligned) {
        sort_axis_blocks(L, at, a, axis);
        return none_value(L);
    }
    if (axis < nd - 1 && !in_place) {   /* a C copy, sorted along the axis where it is */
        LLVMValueRef c = contig_copy(L, at, a, at->dtype, &ct);
        sort_axis_blocks(L, ct, c, axis);
        return c;
    }
    LLVMValueRef c = axis_last_copy(L, at, a, axis, at->dtype, &ct);
    sort_lanes(L, ct, c);
    if (in_place) {
        assign_axis_last(L, at, a, axis, ct, c);
        return none_value(L);
    }
    if (axis == nd - 1) return c;
    LLVMValueRef shape[64];
    for (int k = 0; k < nd; k++) shape[k] = cg_arr_shape(L, a, k);
    LLVMValueRef out = cg_alloc_array(L, rt, shape);
    assign_axis_last(L, rt, out, axis, ct, c);
    return out;
}

/* np.argsort along axis (-1: of the flattened array): each lane of a C copy with the axis
 * last, into the matching lane of an int64 array of that shape, moved back. */
static LLVMValueRef np_argsort(Lower *L, const Type *at, LLVMValueRef a, int axis, const Type *rt, bool stable) {
    const Type *ct;
    int nd = at->ndim, dt = at->dtype;
    LLVMValueRef c;
    if (axis < 0) {
        c = contig_copy(L, at, a, dt, &ct);
        LLVMValueRef n = cg_array_size(L, ct, c);
        c = view1(L, dt, c, cg_arr_data(L, c), n, isz(L, dt), 'C');
        ct = ty_array(dt, 1, 'C', false);
        nd = 1;
        axis = 0;
    } else {
        c = axis_last_copy(L, at, a, axis, dt, &ct);
    }
    LLVMValueRef shape[64], len = cg_arr_shape(L, c, nd - 1), rows = i64c(L, 1);
    for (int k = 0; k < nd; k++) shape[k] = cg_arr_shape(L, c, k);
    for (int k = 0; k < nd - 1; k++) rows = LLVMBuildMul(L->b, rows, shape[k], "");
    const Type *it = ty_array(DT_INT64, nd, 'C', false);
    LLVMValueRef idx = cg_alloc_array(L, it, shape);
    char name[64];
    snprintf(name, sizeof name, "ember_rt_argsort_%s", dt_suffix(dt));
    LoopCtx lc;
    LLVMValueRef r = cg_loop_begin(L, &lc, rows);
    LLVMValueRef off = LLVMBuildMul(L->b, r, len, "");
    LLVMTypeRef pt[5] = {L->ptr, L->i64, L->i64, L->ptr, L->i32};
    LLVMValueRef args[5] = {cg_gep8(L, cg_arr_data(L, c), LLVMBuildMul(L->b, off, isz(L, dt), "")), len, isz(L, dt),
                            cg_gep8(L, cg_arr_data(L, idx), LLVMBuildMul(L->b, off, i64c(L, 8), "")),
                            LLVMConstInt(L->i32, stable, 0)};
    cg_rt_check(L, ctx_strdup(L->ctx, name), pt, args, 5);
    cg_loop_end(L, &lc);
    if (axis == nd - 1) return idx;
    for (int k = 0; k < nd; k++) shape[k] = cg_arr_shape(L, a, k);
    LLVMValueRef out = cg_alloc_array(L, rt, shape);
    assign_axis_last(L, rt, out, axis, it, idx);
    return out;
}

/* Does the search go right of element x for key k: x < k (left) or x <= k (right) in NumPy's
 * order, where NaN sorts after every number? As int64 (ints) or float64. With k a number that is
 * one ordered compare (a NaN x is never below it); a NaN k goes right of every number (left) or
 * of everything (right). k_nan is computed once, before the loop. */
static LLVMValueRef search_goes_right(Lower *L, LLVMValueRef x, LLVMValueRef k, LLVMValueRef k_nan, bool ints, bool right) {
    if (ints) return LLVMBuildICmp(L->b, right ? LLVMIntSLE : LLVMIntSLT, x, k, "");
    LLVMValueRef below = LLVMBuildFCmp(L->b, right ? LLVMRealOLE : LLVMRealOLT, x, k, "");
    if (right) return LLVMBuildOr(L->b, k_nan, below, "");
    return LLVMBuildSelect(L->b, k_nan, LLVMBuildFCmp(L->b, LLVMRealORD, x, x, ""), below, "");
}

/* Where a search of an array of keys starts (NumPy's binsearch): from the previous key's answer
 * when the search would go right of the previous key (keys in order: a short search to the right
 * of it), else from 0 up to one past that answer, so the answers are NumPy's even for an array
 * out of order. The frame slots hold the previous key and answer. */
typedef struct SearchState { LLVMValueRef last, prev; } SearchState;

/* np.searchsorted of one key (canonical scalar of type kt) in 1-d array a: NumPy's binary search,
 * written into the function, so a loop of searches keeps its values in registers and the side is
 * a constant (a call into the runtime per key: 1.16x numba on a histogram over 64 edges). An
 * int64 array with an integer key compares as int64; everything else as float64 (a float32
 * array's key rounded to float32 first, as NumPy casts it to the array's type). st: the state
 * of a search over an array of keys, or NULL. */
static LLVMValueRef search_one(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef key, const Type *kt, bool right,
                               SearchState *st) {
    int dt = at->dtype;
    bool ints = dt == DT_INT64 && kt != ty_float64, floats = dt == DT_FLOAT64 || dt == DT_FLOAT32;
    LLVMValueRef k = cg_cast(L, key, kt, ints ? ty_int64 : ty_float64);
    if (dt == DT_FLOAT32) k = LLVMBuildFPExt(L->b, LLVMBuildFPTrunc(L->b, k, LLVMFloatTypeInContext(L->c), ""), L->f64, "");
    LLVMValueRef data = cg_arr_data(L, a), stride = cg_arr_stride(L, at, a, 0);
    LLVMValueRef k_nan = ints ? NULL : LLVMBuildFCmp(L->b, LLVMRealUNO, k, k, "");
    LLVMValueRef lo = cg_entry_alloca(L, L->i64, "search.lo"), hi = cg_entry_alloca(L, L->i64, "search.hi");
    LLVMValueRef n = cg_arr_shape(L, a, 0);
    if (st) {
        LLVMValueRef prev = LLVMBuildLoad2(L->b, L->i64, st->prev, "search.prev");
        LLVMValueRef after = search_goes_right(L, LLVMBuildLoad2(L->b, LLVMTypeOf(k), st->last, ""), k, k_nan, ints, right);
        LLVMValueRef up = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, prev, n, ""),
                                          LLVMBuildAdd(L->b, prev, i64c(L, 1), ""), n, "");
        LLVMBuildStore(L->b, LLVMBuildSelect(L->b, after, prev, i64c(L, 0), ""), lo);
        LLVMBuildStore(L->b, LLVMBuildSelect(L->b, after, n, up, ""), hi);
        LLVMBuildStore(L->b, k, st->last);
    } else {
        LLVMBuildStore(L->b, i64c(L, 0), lo);
        LLVMBuildStore(L->b, n, hi);
    }
    /* Two loops for a float key: a number's compares are one instruction (x < k or x <= k: a NaN
     * element is never below it); a NaN key's have NumPy's NaN rule. One select-laden loop for
     * both ran 35% slower on sorted keys (its step became a branch). */
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "search.done"), nan_key = NULL;
    if (!ints) {
        LLVMBasicBlockRef number = LLVMAppendBasicBlockInContext(L->c, L->func, "search.number");
        nan_key = LLVMAppendBasicBlockInContext(L->c, L->func, "search.nan");
        cg_br_expect(L, k_nan, false, nan_key, number);
        LLVMPositionBuilderAtEnd(L->b, number);
    }
    for (int pass = 0; pass < (ints ? 1 : 2); pass++) {   /* pass 1: the NaN key's loop */
        if (pass == 1) LLVMPositionBuilderAtEnd(L->b, nan_key);
        LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(L->c, L->func, "search");
        LLVMBasicBlockRef step = LLVMAppendBasicBlockInContext(L->c, L->func, "search.step");
        LLVMBuildBr(L->b, head);
        LLVMPositionBuilderAtEnd(L->b, head);
        LLVMValueRef l = LLVMBuildLoad2(L->b, L->i64, lo, ""), h = LLVMBuildLoad2(L->b, L->i64, hi, "");
        LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, l, h, ""), step, done);
        LLVMPositionBuilderAtEnd(L->b, step);
        LLVMValueRef mid = LLVMBuildAdd(L->b, l, LLVMBuildLShr(L->b, LLVMBuildSub(L->b, h, l, ""), i64c(L, 1), ""), "");
        LLVMValueRef x = cg_load_elem(L, dt, cg_gep8(L, data, LLVMBuildMul(L->b, mid, stride, "")));
        if (!ints && !floats) x = cg_cast(L, x, ty_scalar_of(dt), ty_float64);
        LLVMValueRef after = search_goes_right(L, x, k, pass ? k_nan : (ints ? NULL : LLVMConstInt(L->i1, 0, 0)), ints, right);
        LLVMBuildStore(L->b, LLVMBuildSelect(L->b, after, LLVMBuildAdd(L->b, mid, i64c(L, 1), ""), l, ""), lo);
        LLVMBuildStore(L->b, LLVMBuildSelect(L->b, after, h, mid, ""), hi);
        LLVMBuildBr(L->b, head);
    }
    LLVMPositionBuilderAtEnd(L->b, done);
    LLVMValueRef r = LLVMBuildLoad2(L->b, L->i64, lo, "");
    if (st) LLVMBuildStore(L->b, r, st->prev);
    return r;
}

typedef struct SearchEnv {
    const Type *at, *vt, *rt;
    LLVMValueRef a, v, out;
    bool right;
    SearchState st;
} SearchEnv;

static void search_body(Lower *L, LLVMValueRef *idx, void *env) {
    SearchEnv *S = env;
    LLVMValueRef key = cg_load_elem(L, S->vt->dtype, cg_elem_ptr(L, S->vt, S->v, idx));
    LLVMValueRef r = search_one(L, S->at, S->a, key, ty_scalar_of(S->vt->dtype), S->right, &S->st);
    cg_store_elem(L, DT_INT64, cg_elem_ptr(L, S->rt, S->out, idx), r, ty_int64);
}

static bool const_side_right(Lower *L, Instr *in, CallInfo *ci, int i) {
    if (ci->argmap[i] < 0) return false;
    const char *s = ti_const_str(L->ti, in->args[ci->argmap[i]]);
    return s && !strcmp(s, "right");
}

/* ---- order statistics --------------------------------------------------------------- */
/* The quantiles q (contiguous float64, nq of them; percentiles already divided by 100) of the
 * lane (data, n, stride) into out[0..nq), or its median when qs is NULL. */
static void lane_stat(Lower *L, LLVMValueRef data, LLVMValueRef n, LLVMValueRef stride, LLVMValueRef qs, LLVMValueRef nq,
                      LLVMValueRef out, bool own) {
    if (own) {   /* a lane of our own contiguous copy: selected in place */
        LLVMTypeRef pt[5] = {L->ptr, L->i64, L->ptr, L->i64, L->ptr};
        LLVMValueRef args[5] = {data, n, qs ? qs : out, nq, out};
        cg_rt_check(L, qs ? "ember_rt_quantile_own_f8" : "ember_rt_median_own_f8", pt, args, qs ? 5 : 3);
        return;
    }
    if (!qs) {
        LLVMTypeRef pt[4] = {L->ptr, L->i64, L->i64, L->ptr};
        LLVMValueRef args[4] = {data, n, stride, out};
        cg_rt_check(L, "ember_rt_median_f8", pt, args, 4);
        return;
    }
    LLVMTypeRef pt[6] = {L->ptr, L->i64, L->i64, L->ptr, L->i64, L->ptr};
    LLVMValueRef args[6] = {data, n, stride, qs, nq, out};
    cg_rt_check(L, "ember_rt_quantile_f8", pt, args, 6);
}

/* np.median / percentile / quantile of the flattened array (axis -1) or along one axis: with
 * an array q the result's first axis is q's. */
static LLVMValueRef order_stat_f8(Lower *L, int bid, const Type *at, LLVMValueRef a, const Type *qt, LLVMValueRef q, int axis,
                                  const Type *rt);

/* In float64, rounded to a float32 result as NumPy gives it for float32 data. */
static LLVMValueRef order_stat(Lower *L, int bid, const Type *at, LLVMValueRef a, const Type *qt, LLVMValueRef q, int axis,
                               const Type *rt) {
    if (rt->kind != TY_ARRAY) {
        LLVMValueRef v = order_stat_f8(L, bid, at, a, qt, q, axis, rt);
        if (at->dtype != DT_FLOAT32 || (qt->kind == TY_ARRAY && qt->dtype != DT_FLOAT32)) return v;
        return LLVMBuildFPExt(L->b, LLVMBuildFPTrunc(L->b, v, LLVMFloatTypeInContext(L->c), ""), L->f64, "");
    }
    const Type *ft = ty_array(DT_FLOAT64, rt->ndim, 'C', false);
    LLVMValueRef v = order_stat_f8(L, bid, at, a, qt, q, axis, ft);
    return rt == ft ? v : cg_copy_array(L, ft, v, rt);
}

/* q, a percentile, checked as NumPy checks it (its message: the quantiles' one names [0, 1]) */
static LLVMValueRef percentile_in_range(Lower *L, LLVMValueRef q) {
    LLVMValueRef ok = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOGE, q, f64c(L, 0.0), ""),
                                   LLVMBuildFCmp(L->b, LLVMRealOLE, q, f64c(L, 100.0), ""), "");
    cg_raise_unless(L, ok, "builtins:ValueError", "Percentiles must be in the range [0, 100]");
    return q;
}

static LLVMValueRef order_stat_f8(Lower *L, int bid, const Type *at, LLVMValueRef a, const Type *qt, LLVMValueRef q, int axis,
                                  const Type *rt) {
    LLVMValueRef qs = NULL, nq = i64c(L, 1);
    if (bid != BI_NP_MEDIAN) {
        if (qt->kind != TY_ARRAY) {
            LLVMValueRef qv = cg_cast(L, q, qt, ty_float64);
            /* percentile: q / 100 as NumPy computes it (a true division, not a product) */
            if (bid == BI_NP_PERCENTILE) qv = LLVMBuildFDiv(L->b, percentile_in_range(L, qv), f64c(L, 100.0), "");
            qs = cg_entry_alloca(L, L->f64, "q");
            LLVMBuildStore(L->b, qv, qs);
        } else {
            const Type *ct;
            LLVMValueRef qa = contig_copy(L, qt, q, DT_FLOAT64, &ct);
            nq = cg_arr_shape(L, qa, 0);
            qs = cg_arr_data(L, qa);
            if (bid == BI_NP_PERCENTILE) {
                LoopCtx lc;
                LLVMValueRef i = cg_loop_begin(L, &lc, nq);
                LLVMValueRef p = cg_gep8(L, qs, LLVMBuildMul(L->b, i, i64c(L, 8), ""));
                LLVMBuildStore(L->b, LLVMBuildFDiv(L->b, percentile_in_range(L, LLVMBuildLoad2(L->b, L->f64, p, "")), f64c(L, 100.0), ""), p);
                cg_loop_end(L, &lc);
            }
        }
    }
    if (axis < 0 || at->ndim == 1) {
        LLVMValueRef data, n, stride;
        cg_flat_lane(L, at, a, DT_FLOAT64, &data, &n, &stride);
        if (rt->kind != TY_ARRAY) {
            LLVMValueRef out = cg_entry_alloca(L, L->f64, "stat");
            lane_stat(L, data, n, stride, qs, nq, out, false);
            return LLVMBuildLoad2(L->b, L->f64, out, "");
        }
        LLVMValueRef res = cg_alloc_array(L, rt, &nq);
        lane_stat(L, data, n, stride, qs, nq, cg_arr_data(L, res), false);
        return res;
    }
    /* along an axis: lanes of a C float64 copy with the axis last, one result (or nq) per lane */
    const Type *ct;
    int nd = at->ndim;
    LLVMValueRef c = axis_last_copy(L, at, a, axis, DT_FLOAT64, &ct), shape[64], rows = i64c(L, 1);
    LLVMValueRef len = cg_arr_shape(L, c, nd - 1);
    for (int k = 0; k < nd - 1; k++) {
        shape[k] = cg_arr_shape(L, c, k);
        rows = LLVMBuildMul(L->b, rows, shape[k], "");
    }
    shape[nd - 1] = nq;   /* the results, q last */
    const Type *tt = ty_array(DT_FLOAT64, nd - 1 + (qt->kind == TY_ARRAY), 'C', false);
    LLVMValueRef tmp = cg_alloc_array(L, tt, shape);
    LoopCtx lc;
    LLVMValueRef r = cg_loop_begin(L, &lc, rows);
    LLVMValueRef lane = cg_gep8(L, cg_arr_data(L, c), LLVMBuildMul(L->b, LLVMBuildMul(L->b, r, len, ""), i64c(L, 8), ""));
    LLVMValueRef o = cg_gep8(L, cg_arr_data(L, tmp), LLVMBuildMul(L->b, LLVMBuildMul(L->b, r, nq, ""), i64c(L, 8), ""));
    lane_stat(L, lane, len, i64c(L, 8), qs, nq, o, true);   /* c is our copy */
    cg_loop_end(L, &lc);
    if (qt->kind != TY_ARRAY) return tmp;
    LLVMValueRef rshape[64];
    rshape[0] = nq;
    for (int k = 0; k < nd - 1; k++) rshape[k + 1] = shape[k];
    LLVMValueRef res = cg_alloc_array(L, rt, rshape);
    assign_axis_last(L, rt, res, 0, tt, tmp);
    return res;
}

/* np.unique: a sorted copy with repeats (and all NaNs but one) dropped, as a view of that copy. */
static LLVMValueRef np_unique(Lower *L, const Type *at, LLVMValueRef a) {
    const Type *ct;
    int dt = at->dtype;
    LLVMValueRef c = contig_copy(L, at, a, dt, &ct);
    LLVMValueRef n = cg_array_size(L, ct, c), data = cg_arr_data(L, c);
    LLVMValueRef flat = view1(L, dt, c, data, n, isz(L, dt), 'C');
    sort_lanes(L, ty_array(dt, 1, 'C', false), flat);
    LLVMValueRef k = counter(L, "k", LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, n, i64c(L, 0), ""), i64c(L, 1), i64c(L, 0), ""));
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(L->c, L->func, "uniq");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "uniqnext");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, i, i64c(L, 0), ""), body, next);
    LLVMPositionBuilderAtEnd(L->b, body);
    LLVMValueRef kv = load_i64(L, k);
    LLVMValueRef x = cg_load_elem(L, dt, cg_gep8(L, data, LLVMBuildMul(L->b, i, isz(L, dt), "")));
    LLVMValueRef prev = cg_load_elem(L, dt, cg_gep8(L, data, LLVMBuildMul(L->b, LLVMBuildSub(L->b, kv, i64c(L, 1), ""), isz(L, dt), "")));
    const Type *et = ty_scalar_of(dt);
    LLVMValueRef same;
    if (et == ty_float64)
        same = LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, x, prev, ""),
                           LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, x, x, ""), LLVMBuildFCmp(L->b, LLVMRealUNO, prev, prev, ""), ""), "");
    else
        same = LLVMBuildICmp(L->b, LLVMIntEQ, x, prev, "");
    LLVMBasicBlockRef keep = LLVMAppendBasicBlockInContext(L->c, L->func, "keep");
    LLVMBuildCondBr(L->b, same, next, keep);
    LLVMPositionBuilderAtEnd(L->b, keep);
    cg_store_elem(L, dt, cg_gep8(L, data, LLVMBuildMul(L->b, kv, isz(L, dt), "")), x, et);
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, kv, i64c(L, 1), ""), k);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
    cg_loop_end(L, &lc);
    return view1(L, dt, c, data, load_i64(L, k), isz(L, dt), 'C');
}

/* ---- clip, diff, concatenate -------------------------------------------------------- */
LLVMValueRef cg_clip_scalar(Lower *L, LLVMValueRef *x, const Type **xt, int dt) {
    const Type *ct = ty_scalar_of(dt);
    /* the bound first: it replaces x only where x is strictly beyond it (x = -0.0 clipped to
     * [0.0, 1.0] stays -0.0, as in NumPy), and a NaN x stays NaN; a None bound is none */
    LLVMValueRef lo[2] = {x[1], x[0]};
    const Type *lot[2] = {xt[1], xt[0]};
    LLVMValueRef m = xt[1]->kind == TY_NONE ? cg_cast(L, x[0], xt[0], ct) : cg_ufunc_scalar(L, BI_NP_MAXIMUM, lo, lot, dt);
    if (xt[2]->kind == TY_NONE) return m;
    LLVMValueRef hi[2] = {x[2], m};
    const Type *hit[2] = {xt[2], ct};
    return cg_ufunc_scalar(L, BI_NP_MINIMUM, hi, hit, dt);
}

/* a[..., j+1] - a[..., j] (bool: !=) as NumPy's diff computes it */
static LLVMValueRef diff_of(Lower *L, int dt, LLVMValueRef x1, LLVMValueRef x0) {
    const Type *et = ty_scalar_of(dt);
    if (et == ty_bool) return LLVMBuildXor(L->b, x1, x0, "");   /* NumPy: not_equal */
    L->numpy_sem = true;
    LLVMValueRef d = cg_binop(L, IRB_SUB, x1, x0, et, NULL);
    L->numpy_sem = false;
    return d;
}

typedef struct DiffEnv { const Type *at, *rt; LLVMValueRef a, out; } DiffEnv;

static void diff_body(Lower *L, LLVMValueRef *idx, void *env) {   /* out[idx] = a[idx + 1 along the last] - a[idx] */
    DiffEnv *D = env;
    int nd = D->at->ndim, dt = D->at->dtype;
    LLVMValueRef next[64];
    for (int k = 0; k < nd; k++) next[k] = k == nd - 1 ? LLVMBuildNSWAdd(L->b, idx[k], i64c(L, 1), "") : idx[k];
    LLVMValueRef x0 = cg_load_elem(L, dt, cg_elem_ptr(L, D->at, D->a, idx)), x1 = cg_load_elem(L, dt, cg_elem_ptr(L, D->at, D->a, next));
    cg_store_elem(L, dt, cg_elem_ptr(L, D->rt, D->out, idx), diff_of(L, dt, x1, x0), ty_scalar_of(dt));
}

/* np.diff(a, n): n = 1 (the default) in one pass from a, any layout; a larger n on a C copy,
 * differenced in place n times, the kept part copied out. */
static LLVMValueRef np_diff(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef n, const Type *rt) {
    int nd = at->ndim, dt = at->dtype;
    const Type *et = ty_scalar_of(dt), *ct;
    if (LLVMIsAConstantInt(n) && LLVMConstIntGetSExtValue(n) == 1) {
        LLVMValueRef shape[64];
        for (int k = 0; k < nd; k++) shape[k] = cg_arr_shape(L, a, k);
        LLVMValueRef m = shape[nd - 1];
        shape[nd - 1] = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, m, i64c(L, 0), ""), LLVMBuildSub(L->b, m, i64c(L, 1), ""), m, "");
        DiffEnv D = {.at = at, .rt = rt, .a = a, .out = cg_alloc_array(L, rt, shape)};
        cg_loop_nest(L, nd, shape, diff_body, &D);
        return D.out;
    }
    cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntSGE, n, i64c(L, 0), ""), "builtins:ValueError", "order must be non-negative");
    LLVMValueRef tmp = contig_copy(L, at, a, dt, &ct);
    LLVMValueRef m = cg_arr_shape(L, tmp, nd - 1), rows = i64c(L, 1), shape[64];
    for (int k = 0; k < nd - 1; k++) {
        shape[k] = cg_arr_shape(L, tmp, k);
        rows = LLVMBuildMul(L->b, rows, shape[k], "");
    }
    LLVMValueRef big = LLVMBuildICmp(L->b, LLVMIntSGT, n, m, "");
    LLVMValueRef steps = LLVMBuildSelect(L->b, big, m, n, "");
    LLVMValueRef keep = LLVMBuildSub(L->b, m, steps, "");
    shape[nd - 1] = keep;
    LLVMValueRef out = cg_alloc_array(L, rt, shape);
    LLVMValueRef sz = isz(L, dt), td = cg_arr_data(L, tmp), od = cg_arr_data(L, out);
    LoopCtx lr, ls, li, lk;
    LLVMValueRef r = cg_loop_begin(L, &lr, rows);
    LLVMValueRef base = cg_gep8(L, td, LLVMBuildMul(L->b, LLVMBuildMul(L->b, r, m, ""), sz, ""));
    LLVMValueRef s = cg_loop_begin(L, &ls, steps);
    LLVMValueRef i = cg_loop_begin(L, &li, LLVMBuildSub(L->b, LLVMBuildSub(L->b, m, s, ""), i64c(L, 1), ""));
    LLVMValueRef p0 = cg_gep8(L, base, LLVMBuildMul(L->b, i, sz, ""));
    LLVMValueRef p1 = cg_gep8(L, p0, sz);
    cg_store_elem(L, dt, p0, diff_of(L, dt, cg_load_elem(L, dt, p1), cg_load_elem(L, dt, p0)), et);
    cg_loop_end(L, &li);
    cg_loop_end(L, &ls);
    LLVMValueRef k = cg_loop_begin(L, &lk, keep);
    LLVMValueRef src = cg_gep8(L, base, LLVMBuildMul(L->b, k, sz, ""));
    LLVMValueRef dst = cg_gep8(L, od, LLVMBuildMul(L->b, LLVMBuildAdd(L->b, LLVMBuildMul(L->b, r, keep, ""), k, ""), sz, ""));
    cg_store_elem(L, dt, dst, cg_load_elem(L, dt, src), et);
    cg_loop_end(L, &lk);
    cg_loop_end(L, &lr);
    return out;
}

static LLVMValueRef np_concatenate(Lower *L, const Type *tt, LLVMValueRef tv, int axis, const Type *rt, bool flat) {
    LLVMValueRef vs[64];
    for (int i = 0; i < tt->n; i++) vs[i] = LLVMBuildExtractValue(L->b, tv, (unsigned)i, "");
    if (flat) {   /* axis=None: each array as a C-order copy viewed flat */
        const Type *ts[64];
        for (int i = 0; i < tt->n; i++) {
            const Type *et = tt->elems[i], *ct = ty_array(et->dtype, et->ndim, 'C', false);
            LLVMValueRef c = cg_copy_array(L, et, vs[i], ct), n = i64c(L, 1), stride = i64c(L, ty_dtypes[et->dtype].size);
            for (int k = 0; k < et->ndim; k++) n = LLVMBuildMul(L->b, n, cg_arr_shape(L, c, k), "");
            ts[i] = ty_array(et->dtype, 1, 'C', false);
            vs[i] = cg_make_array(L, ts[i], cg_arr_meminfo(L, c), LLVMConstNull(L->ptr), cg_arr_data(L, c), &n, &stride);
        }
        return cg_concat(L, tt->n, ts, vs, 0, rt);
    }
    return cg_concat(L, tt->n, tt->elems, vs, axis < 0 ? axis + rt->ndim : axis, rt);
}

/* ---- products ------------------------------------------------------------------------ */
LLVMValueRef cg_as_dtype(Lower *L, const Type **t, LLVMValueRef v, int dt);

/* An operand as float64 (a copy when it is another dtype). */
static LLVMValueRef as_f8(Lower *L, const Type **t, LLVMValueRef v) { return cg_as_dtype(L, t, v, DT_FLOAT64); }

static void check_aligned(Lower *L, LLVMValueRef n1, LLVMValueRef n2) {
    cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntEQ, n1, n2, ""), "builtins:ValueError", "shapes are not aligned");
}

static LLVMValueRef mul_acc(Lower *L, LLVMValueRef acc, LLVMValueRef x, LLVMValueRef y, const Type *ct) {
    return cg_binop(L, IRB_ADD, acc, cg_binop(L, IRB_MUL, x, y, ct, NULL), ct, NULL);
}

/* sum over p < k of A(i, p) * B(p, j) in type ct, A and B 1-d or 2-d (j NULL for 1-d B, i
 * NULL for 1-d A). */
static LLVMValueRef dot_loop(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef i, const Type *bt, LLVMValueRef b,
                             LLVMValueRef j, LLVMValueRef k, const Type *ct, bool conj_a) {
    LLVMValueRef acc = cg_entry_alloca(L, cg_type(L, ct), "dot");
    LLVMBuildStore(L->b, LLVMConstNull(cg_type(L, ct)), acc);
    LoopCtx lc;
    LLVMValueRef p = cg_loop_begin(L, &lc, k);
    LLVMValueRef x = cg_cast(L, cg_load_elem(L, at->dtype, i ? elem_at(L, at, a, i, p) : elem_at(L, at, a, p, NULL)),
                             ty_scalar_of(at->dtype), ct);
    LLVMValueRef y = cg_cast(L, cg_load_elem(L, bt->dtype, j ? elem_at(L, bt, b, p, j) : elem_at(L, bt, b, p, NULL)),
                             ty_scalar_of(bt->dtype), ct);
    if (conj_a && ct == ty_complex128)
        x = LLVMBuildInsertValue(L->b, x, LLVMBuildFNeg(L->b, LLVMBuildExtractValue(L->b, x, 1, ""), ""), 1, "");
    LLVMBuildStore(L->b, mul_acc(L, LLVMBuildLoad2(L->b, cg_type(L, ct), acc, ""), x, y, ct), acc);
    cg_loop_end(L, &lc);
    return LLVMBuildLoad2(L->b, cg_type(L, ct), acc, "");
}

/* The BLAS family (runtime/lapack.h LA_*) of a product's dtype, or -1 for a loop. */
int cg_blas_kind(int dt) {
    switch (dt) {
    case DT_FLOAT32: return 0;
    case DT_FLOAT64: return 1;
    case DT_COMPLEX64: return 2;
    case DT_COMPLEX128: return 3;
    default: return -1;
    }
}

/* An operand as dtype dt, aligned (a copy when it is not). */
LLVMValueRef cg_as_dtype(Lower *L, const Type **t, LLVMValueRef v, int dt) {
    if ((*t)->dtype == dt) return aligned(L, t, v);
    const Type *ct;
    LLVMValueRef c = contig_copy(L, *t, v, dt, &ct);
    *t = ct;
    return c;
}

/* C = A B through ?gemm (kind), vectors as 1 x k and k x 1 matrices; out (1-d or 2-d, type
 * rt) receives the product. */
static void gemm_into(Lower *L, int kind, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, LLVMValueRef k,
                      const Type *rt, LLVMValueRef out, LLVMValueRef *shape) {
    LLVMValueRef one = i64c(L, 1), zero = i64c(L, 0);
    LLVMValueRef m = at->ndim == 2 ? shape[0] : one, n = bt->ndim == 2 ? shape[at->ndim == 2] : one;
    LLVMValueRef ars = at->ndim == 2 ? cg_arr_stride(L, at, a, 0) : zero, acs = cg_arr_stride(L, at, a, at->ndim - 1);
    LLVMValueRef brs = cg_arr_stride(L, bt, b, 0), bcs = bt->ndim == 2 ? cg_arr_stride(L, bt, b, 1) : zero;
    LLVMValueRef crs = at->ndim == 2 ? cg_arr_stride(L, rt, out, 0) : zero;
    LLVMValueRef ccs = bt->ndim == 2 ? cg_arr_stride(L, rt, out, rt->ndim - 1) : zero;
    LLVMTypeRef pt[13] = {L->i32, L->i64, L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64};
    LLVMValueRef args[13] = {LLVMConstInt(L->i32, (unsigned long long)kind, 0), m, k, n, cg_arr_data(L, a), ars, acs,
                             cg_arr_data(L, b), brs, bcs, cg_arr_data(L, out), crs, ccs};
    cg_rt_check(L, "ember_rt_gemm", pt, args, 13);
}

/* after the BLAS path, the join with the small-matrix one (lower_smallmm.c), if there is one */
static LLVMValueRef join_small(Lower *L, LLVMBasicBlockRef done, LLVMValueRef out) {
    if (done) {
        LLVMBuildBr(L->b, done);
        LLVMPositionBuilderAtEnd(L->b, done);
    }
    return out;
}

/* v, a canonical scalar, as a value of dtype dt: a sum of int8 products wraps to int8, as the
 * int64 sum NumPy's dot accumulates is cast to the result dtype */
static LLVMValueRef in_dtype(Lower *L, LLVMValueRef v, int dt) {
    if (ty_dtypes[dt].kind != 'i' && ty_dtypes[dt].kind != 'u') return v;
    return cg_through_dtype(L, v, ty_scalar_of(dt), dt);
}

/* a @ b for 1-d and 2-d operands into out (a new array of type rt when NULL); a scalar when
 * both are 1-d. float64 goes through linalg.c's ddot/dgemv/dgemm, float32 and complex through
 * ?gemm (small matrices in generated code: lower_smallmm.c), other dtypes are loops. */
static LLVMValueRef product_into(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt,
                                 LLVMValueRef out, bool as_dot) {
    int dt = rt->kind == TY_ARRAY ? rt->dtype : ty_promote(at->dtype, bt->dtype);
    const Type *ct = ty_scalar_of(dt);
    int kind = cg_blas_kind(dt);
    bool blas = dt == DT_FLOAT64;
    LLVMValueRef k = cg_arr_shape(L, a, at->ndim - 1);
    check_aligned(L, k, cg_arr_shape(L, b, 0));
    if (kind >= 0) {
        a = cg_as_dtype(L, &at, a, dt);
        b = cg_as_dtype(L, &bt, b, dt);
    }
    if (at->ndim == 1 && bt->ndim == 1) {
        if (kind < 0) return in_dtype(L, dot_loop(L, at, a, NULL, bt, b, NULL, k, ct, false), dt);
        if (!blas) {   /* ?dot (lapack.c) into an element */
            LLVMValueRef slot = cg_entry_alloca(L, L->c128, "dot");
            LLVMTypeRef pt[7] = {L->i32, L->i64, L->ptr, L->i64, L->ptr, L->i64, L->ptr};
            LLVMValueRef args[7] = {LLVMConstInt(L->i32, (unsigned long long)kind, 0), k, cg_arr_data(L, a), cg_arr_stride(L, at, a, 0),
                                    cg_arr_data(L, b), cg_arr_stride(L, bt, b, 0), slot};
            cg_rt_check(L, "ember_rt_dot", pt, args, 7);
            return cg_load_elem(L, dt, slot);
        }
        LLVMValueRef res = cg_entry_alloca(L, L->f64, "dot");
        LLVMTypeRef pt[6] = {L->i64, L->ptr, L->i64, L->ptr, L->i64, L->ptr};
        LLVMValueRef args[6] = {k, cg_arr_data(L, a), cg_arr_stride(L, at, a, 0), cg_arr_data(L, b),
                                cg_arr_stride(L, bt, b, 0), res};
        cg_rt_check(L, "ember_rt_dot_f8", pt, args, 6);
        return LLVMBuildLoad2(L->b, L->f64, res, "");
    }
    LLVMValueRef shape[2];
    int nd = 0;
    if (at->ndim == 2) shape[nd++] = cg_arr_shape(L, a, 0);
    if (bt->ndim == 2) shape[nd++] = cg_arr_shape(L, b, 1);
    if (!out) out = cg_alloc_array(L, rt, shape);
    /* small float and complex matrices in generated code, the others through BLAS (mm.blas) */
    LLVMBasicBlockRef small_done = at->ndim == 2 && bt->ndim == 2 && kind >= 0
                                       ? cg_small_matmul(L, dt, at, a, bt, b, rt, out, shape[0], k, shape[1]) : NULL;
    if (kind >= 0 && !blas) {
        gemm_into(L, kind, at, a, bt, b, k, rt, out, shape);
        return join_small(L, small_done, out);
    }
    if (blas) {
        LLVMValueRef ad = cg_arr_data(L, a), bd = cg_arr_data(L, b), od = cg_arr_data(L, out);
        if (at->ndim == 2 && bt->ndim == 2) {
            LLVMTypeRef pt[12] = {L->i64, L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64};
            LLVMValueRef args[12] = {shape[0], k, shape[1], ad, cg_arr_stride(L, at, a, 0), cg_arr_stride(L, at, a, 1),
                                     bd, cg_arr_stride(L, bt, b, 0), cg_arr_stride(L, bt, b, 1),
                                     od, cg_arr_stride(L, rt, out, 0), cg_arr_stride(L, rt, out, 1)};
            cg_rt_check(L, as_dot ? "ember_rt_dot_gemm_f8" : "ember_rt_gemm_f8", pt, args, 12);
        } else {
            LLVMTypeRef pt[9] = {L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->ptr, L->i64};
            LLVMValueRef args[9];
            if (at->ndim == 2) {   /* A x */
                LLVMValueRef v[9] = {shape[0], k, ad, cg_arr_stride(L, at, a, 0), cg_arr_stride(L, at, a, 1),
                                     bd, cg_arr_stride(L, bt, b, 0), od, cg_arr_stride(L, rt, out, 0)};
                memcpy(args, v, sizeof v);
            } else {               /* x B = B^T x */
                LLVMValueRef v[9] = {shape[0], k, bd, cg_arr_stride(L, bt, b, 1), cg_arr_stride(L, bt, b, 0),
                                     ad, cg_arr_stride(L, at, a, 0), od, cg_arr_stride(L, rt, out, 0)};
                memcpy(args, v, sizeof v);
            }
            cg_rt_check(L, "ember_rt_gemv_f8", pt, args, 9);
        }
        return join_small(L, small_done, out);
    }
    LoopCtx li, lj;
    if (at->ndim == 2 && bt->ndim == 2) {
        LLVMValueRef i = cg_loop_begin(L, &li, shape[0]);
        LLVMValueRef j = cg_loop_begin(L, &lj, shape[1]);
        cg_store_elem(L, dt, elem_at(L, rt, out, i, j), dot_loop(L, at, a, i, bt, b, j, k, ct, false), ct);
        cg_loop_end(L, &lj);
        cg_loop_end(L, &li);
    } else {
        LLVMValueRef i = cg_loop_begin(L, &li, shape[0]);
        LLVMValueRef v = at->ndim == 2 ? dot_loop(L, at, a, i, bt, b, NULL, k, ct, false)
                                       : dot_loop(L, at, a, NULL, bt, b, i, k, ct, false);
        cg_store_elem(L, dt, elem_at(L, rt, out, i, NULL), v, ct);
        cg_loop_end(L, &li);
    }
    return out;
}

LLVMValueRef cg_product_into(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt,
                             LLVMValueRef out) {
    return product_into(L, at, a, bt, b, rt, out, false);
}

LLVMValueRef cg_product(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt, bool as_dot) {
    if (at->ndim > 2 || bt->ndim > 2) return cg_matmul_stack(L, at, a, bt, b, rt);
    return product_into(L, at, a, bt, b, rt, NULL, as_dot);
}

static LLVMValueRef np_vdot(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt) {
    int dt = ty_dtype_of_scalar(rt);
    LLVMValueRef ad, an, as, bd, bn, bs;
    cg_flat_lane(L, at, a, -1, &ad, &an, &as);
    cg_flat_lane(L, bt, b, -1, &bd, &bn, &bs);
    cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntEQ, an, bn, ""), "builtins:ValueError", "cannot reshape array: vdot needs vectors of the same size");
    const Type *xt = ty_array(at->dtype, 1, 'A', false), *yt = ty_array(bt->dtype, 1, 'A', false);
    LLVMValueRef x = cg_make_array(L, xt, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), ad, &an, &as);
    LLVMValueRef y = cg_make_array(L, yt, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), bd, &bn, &bs);
    int pdt = ty_promote(at->dtype, bt->dtype), kind = cg_blas_kind(pdt);
    if (kind < 0) return in_dtype(L, dot_loop(L, xt, x, NULL, yt, y, NULL, an, ty_scalar_of(dt), true), pdt);
    /* NumPy's vdot: BLAS (?dot, ?dotc for complex) where both steps are positive, in the arrays'
     * dtype (complex64 in cdotc's float arithmetic); its own loop, in order, otherwise. A
     * sequential complex sum ran 4x cdotc's time. */
    x = cg_as_dtype(L, &xt, x, pdt);
    y = cg_as_dtype(L, &yt, y, pdt);
    LLVMValueRef xs = cg_arr_stride(L, xt, x, 0), ys = cg_arr_stride(L, yt, y, 0);
    LLVMValueRef slot = cg_entry_alloca(L, cg_type(L, ty_scalar_of(dt)), "vdot");
    LLVMBasicBlockRef blas = LLVMAppendBasicBlockInContext(L->c, L->func, "vdot.blas");
    LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(L->c, L->func, "vdot.loop");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "vdot.done");
    LLVMBuildCondBr(L->b, LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, xs, i64c(L, 0), ""),
                                       LLVMBuildICmp(L->b, LLVMIntSGT, ys, i64c(L, 0), ""), ""), blas, loop);
    LLVMPositionBuilderAtEnd(L->b, blas);
    LLVMValueRef elem = cg_entry_alloca(L, L->c128, "vdotelem");
    LLVMTypeRef pt[7] = {L->i32, L->i64, L->ptr, L->i64, L->ptr, L->i64, L->ptr};
    LLVMValueRef args[7] = {LLVMConstInt(L->i32, (unsigned long long)kind, 0), an, cg_arr_data(L, x), xs, cg_arr_data(L, y), ys, elem};
    cg_rt_check(L, "ember_rt_vdot", pt, args, 7);
    LLVMBuildStore(L->b, cg_cast(L, cg_load_elem(L, pdt, elem), ty_scalar_of(pdt), ty_scalar_of(dt)), slot);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, loop);
    if (pdt == DT_FLOAT32) {   /* NumPy's float loop: each product and sum in float */
        LLVMTypeRef ft = LLVMFloatTypeInContext(L->c);
        LLVMValueRef acc = cg_entry_alloca(L, ft, "vdotf");
        LLVMBuildStore(L->b, LLVMConstNull(ft), acc);
        LoopCtx lc;
        LLVMValueRef p = cg_loop_begin(L, &lc, an);
        LLVMValueRef xv = LLVMBuildLoad2(L->b, ft, cg_gep8(L, cg_arr_data(L, x), LLVMBuildMul(L->b, p, xs, "")), "");
        LLVMValueRef yv = LLVMBuildLoad2(L->b, ft, cg_gep8(L, cg_arr_data(L, y), LLVMBuildMul(L->b, p, ys, "")), "");
        LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, ft, acc, ""), LLVMBuildFMul(L->b, xv, yv, ""), ""), acc);
        cg_loop_end(L, &lc);
        LLVMBuildStore(L->b, LLVMBuildFPExt(L->b, LLVMBuildLoad2(L->b, ft, acc, ""), L->f64, ""), slot);
    } else {
        LLVMBuildStore(L->b, dot_loop(L, xt, x, NULL, yt, y, NULL, an, ty_scalar_of(dt), true), slot);
    }
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
    return LLVMBuildLoad2(L->b, cg_type(L, ty_scalar_of(dt)), slot, "");
}

/* np.outer(a, b[, out]): into out where given (the shape (a.size, b.size), ValueError as NumPy's
 * otherwise; the products cast to its dtype), else a new array. */
static LLVMValueRef np_outer(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt,
                             LLVMValueRef given_out) {
    LLVMValueRef ad, an, as, bd, bn, bs;
    cg_flat_lane(L, at, a, -1, &ad, &an, &as);
    cg_flat_lane(L, bt, b, -1, &bd, &bn, &bs);
    LLVMValueRef shape[2] = {an, bn}, out = given_out;
    if (out) {
        LLVMValueRef same = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, out, 0), an, ""),
                                         LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, out, 1), bn, ""), "");
        cg_raise_unless(L, same, "builtins:ValueError", "non-broadcastable output operand with shape that does not match the outer product");
    } else {
        out = cg_alloc_array(L, rt, shape);
    }
    const Type *ct = ty_scalar_of(ty_promote(at->dtype, bt->dtype));
    LoopCtx li, lj;
    LLVMValueRef i = cg_loop_begin(L, &li, an);
    LLVMValueRef x = cg_cast(L, cg_load_elem(L, at->dtype, cg_gep8(L, ad, LLVMBuildMul(L->b, i, as, ""))), ty_scalar_of(at->dtype), ct);
    LLVMValueRef j = cg_loop_begin(L, &lj, bn);
    LLVMValueRef y = cg_cast(L, cg_load_elem(L, bt->dtype, cg_gep8(L, bd, LLVMBuildMul(L->b, j, bs, ""))), ty_scalar_of(bt->dtype), ct);
    cg_store_elem(L, rt->dtype, elem_at(L, rt, out, i, j), cg_cast(L, cg_binop(L, IRB_MUL, x, y, ct, NULL), ct, ty_scalar_of(rt->dtype)),
                  ty_scalar_of(rt->dtype));
    cg_loop_end(L, &lj);
    cg_loop_end(L, &li);
    return out;
}

/* ---- np.linalg ---------------------------------------------------------------------- */
static void check_square(Lower *L, LLVMValueRef a) {
    cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, a, 0), cg_arr_shape(L, a, 1), ""),
                 "numpy.linalg:LinAlgError", "Last 2 dimensions of the array must be square");
}

static LLVMValueRef la_solve(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt) {
    a = as_f8(L, &at, a);
    b = as_f8(L, &bt, b);
    check_square(L, a);
    LLVMValueRef n = cg_arr_shape(L, a, 0);
    cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, b, 0), n, ""), "builtins:ValueError",
                 "solve: b does not match the size of a");
    LLVMValueRef shape[2] = {n, bt->ndim == 2 ? cg_arr_shape(L, b, 1) : NULL};
    LLVMValueRef x = cg_alloc_array(L, rt, shape);
    LLVMValueRef nrhs = bt->ndim == 2 ? shape[1] : i64c(L, 1);
    LLVMValueRef bcs = bt->ndim == 2 ? cg_arr_stride(L, bt, b, 1) : i64c(L, 8);
    LLVMValueRef xcs = bt->ndim == 2 ? cg_arr_stride(L, rt, x, 1) : i64c(L, 8);
    LLVMTypeRef pt[11] = {L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64};
    LLVMValueRef args[11] = {n, nrhs, cg_arr_data(L, a), cg_arr_stride(L, at, a, 0), cg_arr_stride(L, at, a, 1),
                             cg_arr_data(L, b), cg_arr_stride(L, bt, b, 0), bcs,
                             cg_arr_data(L, x), cg_arr_stride(L, rt, x, 0), xcs};
    cg_rt_check(L, "ember_rt_solve_f8", pt, args, 11);
    return x;
}

static LLVMValueRef la_inv_det(Lower *L, int bid, const Type *at, LLVMValueRef a, const Type *rt) {
    a = as_f8(L, &at, a);
    check_square(L, a);
    LLVMValueRef n = cg_arr_shape(L, a, 0), rs = cg_arr_stride(L, at, a, 0), cs = cg_arr_stride(L, at, a, 1);
    if (bid == BI_LA_DET) {
        LLVMValueRef out = cg_entry_alloca(L, L->f64, "det");
        LLVMTypeRef pt[5] = {L->i64, L->ptr, L->i64, L->i64, L->ptr};
        LLVMValueRef args[5] = {n, cg_arr_data(L, a), rs, cs, out};
        cg_rt_check(L, "ember_rt_det_f8", pt, args, 5);
        return LLVMBuildLoad2(L->b, L->f64, out, "");
    }
    LLVMValueRef shape[2] = {n, n};
    LLVMValueRef out = cg_alloc_array(L, rt, shape);
    LLVMTypeRef pt[7] = {L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i64};
    LLVMValueRef args[7] = {n, cg_arr_data(L, a), rs, cs, cg_arr_data(L, out), cg_arr_stride(L, rt, out, 0),
                            cg_arr_stride(L, rt, out, 1)};
    cg_rt_check(L, "ember_rt_inv_f8", pt, args, 7);
    return out;
}

/* Fold f over the float64 values of a lane: acc = op(acc, g(x)). */
enum { FOLD_SUMSQ, FOLD_SUMABS, FOLD_MAXABS, FOLD_MINABS, FOLD_NONZERO, FOLD_SUMPOW };

static LLVMValueRef fold_lane(Lower *L, int kind, LLVMValueRef data, LLVMValueRef n, LLVMValueRef stride, int dt,
                              LLVMValueRef p) {
    double init = kind == FOLD_MAXABS ? 0.0 : kind == FOLD_MINABS ? INFINITY : 0.0;
    LLVMValueRef acc = cg_entry_alloca(L, L->f64, "norm");
    LLVMBuildStore(L->b, f64c(L, init), acc);
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    LLVMValueRef x = cg_cast(L, cg_load_elem(L, dt, cg_gep8(L, data, LLVMBuildMul(L->b, i, stride, ""))), ty_scalar_of(dt), ty_float64);
    LLVMValueRef cur = LLVMBuildLoad2(L->b, L->f64, acc, ""), ax = cg_intrinsic1(L, "llvm.fabs.f64", x), v;
    LLVMTypeRef pt[2] = {L->f64, L->f64};
    switch (kind) {
    case FOLD_SUMSQ: v = LLVMBuildFAdd(L->b, cur, LLVMBuildFMul(L->b, x, x, ""), ""); break;
    case FOLD_SUMABS: v = LLVMBuildFAdd(L->b, cur, ax, ""); break;
    case FOLD_MAXABS: { LLVMValueRef a2[2] = {cur, ax}; v = cg_call(L, "llvm.maximum.f64", L->f64, pt, a2, 2); break; }
    case FOLD_MINABS: { LLVMValueRef a2[2] = {cur, ax}; v = cg_call(L, "llvm.minimum.f64", L->f64, pt, a2, 2); break; }
    case FOLD_NONZERO: v = LLVMBuildFAdd(L->b, cur, LLVMBuildUIToFP(L->b, LLVMBuildFCmp(L->b, LLVMRealUNE, x, f64c(L, 0), ""), L->f64, ""), ""); break;
    default: { LLVMValueRef a2[2] = {ax, p}; v = LLVMBuildFAdd(L->b, cur, cg_math_call(L, "llvm.pow.f64", a2, 2), ""); break; }
    }
    LLVMBuildStore(L->b, v, acc);
    cg_loop_end(L, &lc);
    return LLVMBuildLoad2(L->b, L->f64, acc, "");
}

/* Matrix norms 1 / -1 (column sums) and inf / -inf (row sums): extreme of the abs sums. */
/* The min of no numbers (the sums or singular values of an empty matrix for orders -1, -2, -inf):
 * ValueError as NumPy; their max is 0 there. */
static void empty_extreme(Lower *L, LLVMValueRef n, bool is_max) {
    if (!is_max)
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 0), ""), "builtins:ValueError",
                    "zero-size array to reduction operation minimum which has no identity");
}

static LLVMValueRef sum_extreme(Lower *L, const Type *at, LLVMValueRef a, int along, bool is_max) {
    empty_extreme(L, cg_arr_shape(L, a, 1 - along), is_max);
    LLVMValueRef best = cg_entry_alloca(L, L->f64, "best");
    LLVMBuildStore(L->b, f64c(L, is_max ? 0.0 : INFINITY), best);
    LoopCtx lc;
    int other = 1 - along;
    LLVMValueRef j = cg_loop_begin(L, &lc, cg_arr_shape(L, a, other));
    LLVMValueRef base = cg_gep8(L, cg_arr_data(L, a), LLVMBuildMul(L->b, j, cg_arr_stride(L, at, a, other), ""));
    LLVMValueRef s = fold_lane(L, FOLD_SUMABS, base, cg_arr_shape(L, a, along), cg_arr_stride(L, at, a, along), at->dtype, NULL);
    LLVMTypeRef pt[2] = {L->f64, L->f64};
    LLVMValueRef a2[2] = {LLVMBuildLoad2(L->b, L->f64, best, ""), s};
    LLVMBuildStore(L->b, cg_call(L, is_max ? "llvm.maximum.f64" : "llvm.minimum.f64", L->f64, pt, a2, 2), best);
    cg_loop_end(L, &lc);
    return LLVMBuildLoad2(L->b, L->f64, best, "");
}

typedef struct SqEnv {
    LLVMValueRef data, stride;
    int dt;
} SqEnv;

static LLVMValueRef square_at(Lower *L, LLVMValueRef i, void *env) {   /* x[i] * x[i] as a double */
    SqEnv *E = env;
    LLVMValueRef p = cg_gep8(L, E->data, LLVMBuildMul(L->b, i, E->stride, ""));
    LLVMValueRef x = cg_cast(L, cg_load_elem(L, E->dt, p), ty_scalar_of(E->dt), ty_float64);
    return LLVMBuildFMul(L->b, x, x, "");
}

/* The sum of squares of a lane as NumPy's add.reduce of x * x adds them: pairwise along a
 * contiguous lane (its inner loop; vector partial sums, 4-8x faster than one element at a
 * time), in order along a strided one (NumPy adds such an axis row by row). The flat norm
 * NumPy takes from a BLAS dot, whose order is its own. As doubles, whatever dt. */
LLVMValueRef cg_sum_squares(Lower *L, LLVMValueRef data, LLVMValueRef n, LLVMValueRef stride, int dt) {
    LLVMValueRef size = i64c(L, ty_dtypes[dt].size);
    SqEnv E = {data, size, dt};
    if (LLVMIsAConstantInt(stride))
        return LLVMConstIntGetSExtValue(stride) == ty_dtypes[dt].size ? cg_pairwise_sum(L, L->f64, n, square_at, &E)
                                                                      : fold_lane(L, FOLD_SUMSQ, data, n, stride, dt, NULL);
    LLVMValueRef r = cg_entry_alloca(L, L->f64, "sumsq");
    LLVMBasicBlockRef unit = LLVMAppendBasicBlockInContext(L->c, L->func, "sumsq.unit");
    LLVMBasicBlockRef any = LLVMAppendBasicBlockInContext(L->c, L->func, "sumsq.strided");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "sumsq.done");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, stride, size, ""), unit, any);
    LLVMPositionBuilderAtEnd(L->b, unit);
    LLVMBuildStore(L->b, cg_pairwise_sum(L, L->f64, n, square_at, &E), r);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, any);
    LLVMBuildStore(L->b, fold_lane(L, FOLD_SUMSQ, data, n, stride, dt, NULL), r);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return LLVMBuildLoad2(L->b, L->f64, r, "");
}

/* (sum |x| ** p) ** (1 / p): the vector norm of an order p other than vector_norm's own. */
static LLVMValueRef power_norm(Lower *L, LLVMValueRef p, LLVMValueRef data, LLVMValueRef n, LLVMValueRef stride, int dt) {
    LLVMValueRef sum = fold_lane(L, FOLD_SUMPOW, data, n, stride, dt, p);
    LLVMTypeRef pt[2] = {L->f64, L->f64};
    LLVMValueRef a2[2] = {sum, LLVMBuildFDiv(L->b, f64c(L, 1.0), p, "")};   /* (folded for a constant p) */
    return cg_call(L, "llvm.pow.f64", L->f64, pt, a2, 2);
}

/* The vector norm of order ord (NaN: 2) of a lane. */
static LLVMValueRef vector_norm(Lower *L, double ord, LLVMValueRef data, LLVMValueRef n, LLVMValueRef stride, int dt) {
    if (isnan(ord) || ord == 2) return cg_intrinsic1(L, "llvm.sqrt.f64", cg_sum_squares(L, data, n, stride, dt));
    if (ord == INFINITY) return fold_lane(L, FOLD_MAXABS, data, n, stride, dt, NULL);
    if (ord == -INFINITY) return fold_lane(L, FOLD_MINABS, data, n, stride, dt, NULL);
    if (ord == 0) return fold_lane(L, FOLD_NONZERO, data, n, stride, dt, NULL);
    if (ord == 1) return fold_lane(L, FOLD_SUMABS, data, n, stride, dt, NULL);
    return power_norm(L, f64c(L, ord), data, n, stride, dt);
}

/* The same with an order known at run time (ordv, a float64): each constant order's code, chosen
 * by a test of ordv, so the results are the same bits. */
static LLVMValueRef vector_norm_dyn(Lower *L, LLVMValueRef ordv, LLVMValueRef data, LLVMValueRef n, LLVMValueRef stride, int dt) {
    static const double orders[] = {2, INFINITY, -INFINITY, 0, 1};
    LLVMValueRef r = cg_entry_alloca(L, L->f64, "norm.ord");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "norm.done");
    for (int k = 0; k < 5; k++) {
        LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(L->c, L->func, "norm.ord");
        LLVMBasicBlockRef no = LLVMAppendBasicBlockInContext(L->c, L->func, "norm.next");
        LLVMBuildCondBr(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, ordv, f64c(L, orders[k]), ""), yes, no);
        LLVMPositionBuilderAtEnd(L->b, yes);
        LLVMBuildStore(L->b, vector_norm(L, orders[k], data, n, stride, dt), r);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, no);
    }
    LLVMBuildStore(L->b, power_norm(L, ordv, data, n, stride, dt), r);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return LLVMBuildLoad2(L->b, L->f64, r, "");
}

/* The norm of order (s, ord) of the matrix x (2-d, any layout). */
static LLVMValueRef matrix_norm(Lower *L, const char *s, double ord, const Type *xt, LLVMValueRef x) {
    if ((s && !strcmp(s, "fro")) || (isnan(ord) && !s)) {
        LLVMValueRef data, n, stride;
        cg_flat_lane(L, xt, x, -1, &data, &n, &stride);
        return vector_norm(L, NAN, data, n, stride, xt->dtype);
    }
    if (s || fabs(ord) == 2) {   /* from the singular values (LAPACK's, in the matrix's precision): 'nuc', 2, -2 */
        LLVMValueRef m = cg_arr_shape(L, x, 0), n = cg_arr_shape(L, x, 1);
        LLVMValueRef k = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, m, n, ""), m, n, "");
        if (!s) empty_extreme(L, k, ord > 0);
        const Type *svt;
        LLVMValueRef d = cg_arr_data(L, cg_svdvals(L, xt, x, &svt));
        LLVMValueRef es = i64c(L, ty_dtypes[svt->dtype].size);
        if (s) return fold_lane(L, FOLD_SUMABS, d, k, es, svt->dtype, NULL);
        return fold_lane(L, ord > 0 ? FOLD_MAXABS : FOLD_MINABS, d, k, es, svt->dtype, NULL);
    }
    if (fabs(ord) == 1) return sum_extreme(L, xt, x, 0, ord > 0);   /* column sums */
    return sum_extreme(L, xt, x, 1, ord > 0);                        /* row sums */
}

/* norm(x, ord, axis) with axis an int or pair: one norm per index of the other dims. */
typedef struct NormEnv {
    const Type *xt, *rt, *mt;      /* x; the result; a matrix of x (axis pair) */
    LLVMValueRef x, out, ordv;     /* ordv: a vector norm's order known at run time (else NULL) */
    const char *s;
    double ord;
    int ax[2], nax, rest[64];      /* the axes normed; the others, in order */
} NormEnv;

static void norm_body(Lower *L, LLVMValueRef *idx, void *env) {
    NormEnv *E = env;
    int nr = E->xt->ndim - E->nax;
    LLVMValueRef off = i64c(L, 0), ooff = i64c(L, 0), v;
    for (int k = 0; k < nr; k++) {
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[k], cg_arr_stride(L, E->xt, E->x, E->rest[k]), ""), "");
        ooff = LLVMBuildAdd(L->b, ooff, LLVMBuildMul(L->b, idx[k], cg_arr_stride(L, E->rt, E->out, k), ""), "");
    }
    LLVMValueRef base = cg_gep8(L, cg_arr_data(L, E->x), off);
    if (E->nax == 1) {
        LLVMValueRef n = cg_arr_shape(L, E->x, E->ax[0]), stride = cg_arr_stride(L, E->xt, E->x, E->ax[0]);
        v = E->ordv ? vector_norm_dyn(L, E->ordv, base, n, stride, E->xt->dtype) : vector_norm(L, E->ord, base, n, stride, E->xt->dtype);
    } else {
        LLVMValueRef shape[2], strides[2];
        for (int k = 0; k < 2; k++) shape[k] = cg_arr_shape(L, E->x, E->ax[k]), strides[k] = cg_arr_stride(L, E->xt, E->x, E->ax[k]);
        v = matrix_norm(L, E->s, E->ord, E->mt, cg_make_array(L, E->mt, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), base, shape, strides));
    }
    if (!nr) LLVMBuildStore(L->b, v, E->out);   /* a slot: the one result */
    else cg_store_elem(L, E->rt->dtype, cg_gep8(L, cg_arr_data(L, E->out), ooff), v, ty_float64);
}

typedef struct AbsEnv {
    const Type *xt, *rt;
    LLVMValueRef x, out;
} AbsEnv;

static void abs_body(Lower *L, LLVMValueRef *idx, void *env) {
    AbsEnv *E = env;
    LLVMValueRef z = cg_load_elem(L, E->xt->dtype, cg_elem_ptr(L, E->xt, E->x, idx));
    LLVMValueRef r = cg_complex_abs(L, LLVMBuildExtractValue(L->b, z, 0, ""), LLVMBuildExtractValue(L->b, z, 1, ""));
    cg_store_elem(L, E->rt->dtype, cg_elem_ptr(L, E->rt, E->out, idx), r, ty_float64);
}

/* |x| of a complex array as a new real C array (float32 for complex64): the norms typing takes
 * for complex arrays are those of their magnitudes. */
static LLVMValueRef complex_magnitudes(Lower *L, const Type *xt, LLVMValueRef x, const Type **rtp) {
    LLVMValueRef shape[64];
    for (int k = 0; k < xt->ndim; k++) shape[k] = cg_arr_shape(L, x, k);
    AbsEnv E = {.xt = xt, .x = x, .rt = ty_array(xt->dtype == DT_COMPLEX64 ? DT_FLOAT32 : DT_FLOAT64, xt->ndim, 'C', false)};
    E.out = cg_alloc_array(L, E.rt, shape);
    cg_loop_nest(L, xt->ndim, shape, abs_body, &E);
    *rtp = E.rt;
    return E.out;
}

/* The 2-norm of a complex lane (n elements, stride bytes apart, parts of dtype pdt): the square
 * root of the sum of its parts' squares, as NumPy's x.real.dot(x.real) + x.imag.dot(x.imag); a
 * contiguous lane is one lane of 2n parts. Through the magnitudes it took a square root per
 * element and lost their last bits: 1.65x NumPy's time. */
static LLVMValueRef complex_norm2(Lower *L, LLVMValueRef data, LLVMValueRef n, LLVMValueRef stride, int pdt) {
    LLVMValueRef psize = i64c(L, ty_dtypes[pdt].size), r = cg_entry_alloca(L, L->f64, "cnorm");
    LLVMBasicBlockRef unit = LLVMAppendBasicBlockInContext(L->c, L->func, "cnorm.unit");
    LLVMBasicBlockRef any = LLVMAppendBasicBlockInContext(L->c, L->func, "cnorm.strided");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "cnorm.done");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, stride, LLVMBuildMul(L->b, psize, i64c(L, 2), ""), ""), unit, any);
    LLVMPositionBuilderAtEnd(L->b, unit);
    LLVMBuildStore(L->b, cg_sum_squares(L, data, LLVMBuildMul(L->b, n, i64c(L, 2), ""), psize, pdt), r);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, any);
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, cg_sum_squares(L, data, n, stride, pdt),
                                       cg_sum_squares(L, cg_gep8(L, data, psize), n, stride, pdt), ""), r);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_intrinsic1(L, "llvm.sqrt.f64", LLVMBuildLoad2(L->b, L->f64, r, ""));
}

static LLVMValueRef la_norm(Lower *L, Instr *in, CallInfo *ci, const Type *xt, LLVMValueRef x) {
    NormEnv E = {.xt = xt, .x = x, .rt = ci->ret, .ord = NAN};   /* NaN: the default order */
    if (ci->argmap[1] >= 0 && L->ti->vtypes[in->args[ci->argmap[1]]]->kind != TY_NONE) {
        int o = in->args[ci->argmap[1]];
        E.s = ti_const_str(L->ti, o);
        if (!E.s && !ti_const_real(L->ti, o, &E.ord))   /* a vector norm's order known at run time (typing allows) */
            E.ordv = cg_cast(L, L->vals[o], L->ti->vtypes[o], ty_float64);
    }
    int64_t ax[2];
    if (ci->nparams > 2 && ci->argmap[2] >= 0 && L->ti->vtypes[in->args[ci->argmap[2]]]->kind != TY_NONE)
        E.nax = ti_const_ints(L->ti, in->args[ci->argmap[2]], ax, 2);
    if (ty_dtypes[xt->dtype].kind == 'c') {
        bool two = !E.nax && !E.ordv && ((!E.s && isnan(E.ord)) || (xt->ndim == 1 && E.ord == 2) ||
                              (xt->ndim == 2 && E.s && !strcmp(E.s, "fro")));
        if (two) {
            LLVMValueRef data, n, stride;
            cg_flat_lane(L, xt, x, -1, &data, &n, &stride);
            return complex_norm2(L, data, n, stride, xt->dtype == DT_COMPLEX64 ? DT_FLOAT32 : DT_FLOAT64);
        }
        bool spectral = (E.nax == 2 || (!E.nax && xt->ndim == 2)) && ((E.s && !strcmp(E.s, "nuc")) || fabs(E.ord) == 2);
        if (!spectral) {   /* (the singular values are the complex matrix's own) */
            E.x = x = complex_magnitudes(L, xt, x, &xt);
            E.xt = xt;
        }
    }
    if (!E.nax) {
        if (xt->ndim == 2) return matrix_norm(L, E.s, E.ord, xt, x);
        LLVMValueRef data, n, stride;   /* a vector, or the flat 2-norm */
        cg_flat_lane(L, xt, x, -1, &data, &n, &stride);
        if (E.ordv) return vector_norm_dyn(L, E.ordv, data, n, stride, xt->dtype);
        return vector_norm(L, xt->ndim == 1 ? E.ord : NAN, data, n, stride, xt->dtype);
    }
    bool normed[64] = {false};
    for (int k = 0; k < E.nax; k++) normed[E.ax[k] = (int)(ax[k] < 0 ? ax[k] + xt->ndim : ax[k])] = true;
    LLVMValueRef shape[64];
    int nr = 0;
    for (int k = 0; k < xt->ndim; k++)
        if (!normed[k]) shape[nr] = cg_arr_shape(L, x, k), E.rest[nr++] = k;
    E.mt = ty_view(xt, xt->dtype, 2, 'A');
    E.out = nr ? cg_alloc_array(L, E.rt, shape) : cg_entry_alloca(L, L->f64, "norm");
    cg_loop_nest(L, nr, shape, norm_body, &E);
    return nr ? E.out : LLVMBuildLoad2(L->b, L->f64, E.out, "");
}

/* ---- np.random ---------------------------------------------------------------------- */
/* The shape of a `size` argument (int or tuple); its ndim. */
static int size_shape(Lower *L, const Type *t, LLVMValueRef v, LLVMValueRef *shape) {
    if (t->kind == TY_TUPLE) {
        for (int k = 0; k < t->n; k++) shape[k] = LLVMBuildExtractValue(L->b, v, (unsigned)k, "");
        return t->n;
    }
    shape[0] = v;
    return 1;
}

static LLVMValueRef param_f64(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int i, double dflt) {
    if (ci->argmap[i] < 0 || types[i]->kind == TY_NONE) return f64c(L, dflt);
    return cg_cast(L, args[i], types[i], ty_float64);
}

/* ---- np.random's draws inline ------------------------------------------------------------ *
 * A scalar draw in a loop (s += np.random.randint(0, 2)) was a runtime call a draw: the thread's
 * state found again, the mask made again. Here the generated code takes the next word of the
 * thread's MT19937 state itself (runtime/random.h's EmberRandomState: the key and the position)
 * and tempers it, calling the runtime only when the 624 words are used up; the state's pointer
 * comes from ember_rt_random_state, which returns the same pointer for a thread's lifetime, so
 * the call is marked as reading nothing and leaves the loop. The numbers are the runtime's. */
static LLVMValueRef rng_state(Lower *L) { return cg_rng_state(L, "ember_rt_random_state"); }

/* The thread's state that `getter` returns (np.random's, or the random module's). */
LLVMValueRef cg_rng_state(Lower *L, const char *getter) {
    LLVMValueRef st = cg_call(L, getter, L->ptr, NULL, NULL, 0);
    cg_mark_pure(L, st);
    return st;
}

static LLVMValueRef rng_u32(Lower *L, LLVMValueRef st) {
    LLVMValueRef pos_ptr = LLVMBuildGEP2(L->b, L->i8, st, (LLVMValueRef[1]){i64c(L, offsetof(EmberRandomState, pos))}, 1, "");
    LLVMValueRef pos = LLVMBuildLoad2(L->b, L->i32, pos_ptr, "mt.pos");
    LLVMBasicBlockRef take = LLVMAppendBasicBlockInContext(L->c, L->func, "mt.take");
    LLVMBasicBlockRef refill = LLVMAppendBasicBlockInContext(L->c, L->func, "mt.refill");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "mt.word");
    cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntULT, pos, LLVMConstInt(L->i32, EMBER_MT_N, 0), ""), true, take, refill);
    LLVMPositionBuilderAtEnd(L->b, take);
    LLVMValueRef key = LLVMBuildGEP2(L->b, L->i32, st, (LLVMValueRef[1]){LLVMBuildZExt(L->b, pos, L->i64, "")}, 1, "");
    LLVMValueRef y = LLVMBuildLoad2(L->b, L->i32, key, "");
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, pos, LLVMConstInt(L->i32, 1, 0), ""), pos_ptr);
    static const struct { bool left; int shift; unsigned mask; } steps[4] = {
        {false, 11, 0xffffffffu}, {true, 7, 0x9d2c5680u}, {true, 15, 0xefc60000u}, {false, 18, 0xffffffffu}};
    for (int k = 0; k < 4; k++) {   /* MT19937's tempering */
        LLVMValueRef sh = LLVMConstInt(L->i32, (unsigned)steps[k].shift, 0);
        LLVMValueRef t = steps[k].left ? LLVMBuildShl(L->b, y, sh, "") : LLVMBuildLShr(L->b, y, sh, "");
        if (steps[k].mask != 0xffffffffu) t = LLVMBuildAnd(L->b, t, LLVMConstInt(L->i32, steps[k].mask, 0), "");
        y = LLVMBuildXor(L->b, y, t, "");
    }
    LLVMBasicBlockRef take_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, refill);
    LLVMValueRef y2 = cg_call(L, "ember_rt_random_next_u32", L->i32, &L->ptr, &st, 1);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_phi2(L, y, take_end, y2, refill, "mt.y");
}

/* np.random.random() (and CPython's random()): the 53-bit double from two words, the first the
 * high 27 bits. */
LLVMValueRef cg_rng_double(Lower *L, LLVMValueRef st) {
    LLVMValueRef a = LLVMBuildLShr(L->b, rng_u32(L, st), LLVMConstInt(L->i32, 5, 0), "");
    LLVMValueRef b = LLVMBuildLShr(L->b, rng_u32(L, st), LLVMConstInt(L->i32, 6, 0), "");
    LLVMValueRef v = LLVMBuildFAdd(L->b, LLVMBuildFMul(L->b, LLVMBuildUIToFP(L->b, a, L->f64, ""), f64c(L, 67108864.0), ""),
                                   LLVMBuildUIToFP(L->b, b, L->f64, ""), "");
    return LLVMBuildFDiv(L->b, v, f64c(L, 9007199254740992.0), "");
}

/* np.random.randint(lo, hi) for lo < hi: NumPy's masked rejection, inline where hi - lo - 1 fits
 * in 32 bits (one word a try), the runtime's beyond (64-bit draws) and for hi - lo == 1 (no
 * draw). */
static LLVMValueRef rng_randint(Lower *L, LLVMValueRef lo, LLVMValueRef hi) {
    LLVMValueRef rng = LLVMBuildSub(L->b, LLVMBuildSub(L->b, hi, lo, ""), i64c(L, 1), "");
    LLVMBasicBlockRef draw = LLVMAppendBasicBlockInContext(L->c, L->func, "randint.draw");
    LLVMBasicBlockRef wide = LLVMAppendBasicBlockInContext(L->c, L->func, "randint.wide");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "randint");
    /* 1 <= rng < 2**32 (rng 0 draws nothing: the runtime's) */
    LLVMValueRef narrow = LLVMBuildICmp(L->b, LLVMIntULT, LLVMBuildSub(L->b, rng, i64c(L, 1), ""), i64c(L, 0xffffffffLL), "");
    LLVMValueRef r32 = LLVMBuildTrunc(L->b, rng, L->i32, ""), mask = r32;
    for (int k = 1; k <= 16; k <<= 1) mask = LLVMBuildOr(L->b, mask, LLVMBuildLShr(L->b, mask, LLVMConstInt(L->i32, (unsigned)k, 0), ""), "");
    LLVMValueRef st = rng_state(L);
    cg_br_expect(L, narrow, true, draw, wide);
    LLVMPositionBuilderAtEnd(L->b, draw);
    LLVMValueRef v = LLVMBuildAnd(L->b, rng_u32(L, st), mask, "");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "randint.done");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntUGT, v, r32, ""), draw, done);   /* rejected: draw again */
    LLVMPositionBuilderAtEnd(L->b, done);
    LLVMValueRef r = LLVMBuildAdd(L->b, lo, LLVMBuildZExt(L->b, v, L->i64, ""), "");
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, wide);
    LLVMTypeRef pt[2] = {L->i64, L->i64};
    LLVMValueRef rw = cg_call(L, "ember_rt_random_randint", L->i64, pt, (LLVMValueRef[2]){lo, hi}, 2);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_phi2(L, r, done, rw, wide, "randint");
}

static LLVMValueRef random_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    int bid = ci->builtin;
    const Type *rt = ci->ret;
    LLVMTypeRef pt[4] = {L->i64, L->i64, L->i64, L->i64};
    if (cg_is_random_dist(bid)) return cg_random_dist(L, ci, args, types);
    if (bid == BI_RND_SEED) {
        LLVMValueRef s = cg_cast(L, args[0], types[0], ty_int64);
        LLVMValueRef ok = LLVMBuildICmp(L->b, LLVMIntULT, s, i64c(L, 1LL << 32), "");
        cg_raise_unless(L, ok, "builtins:ValueError", "Seed must be between 0 and 2**32 - 1");
        cg_call(L, "ember_rt_random_seed", L->voidt, pt, &s, 1);
        return none_value(L);
    }
    LLVMValueRef shape[64], out = NULL, n = NULL;
    if (rt->kind == TY_ARRAY) {
        int szi = bid == BI_RND_RANDINT || bid == BI_RND_NORMAL || bid == BI_RND_UNIFORM ? 2 : 0;
        if (bid == BI_RND_RAND || bid == BI_RND_RANDN) {
            for (int k = 0; k < rt->ndim; k++)
                shape[k] = cg_cast(L, L->vals[in->args[1 + k]], L->ti->vtypes[in->args[1 + k]], ty_int64);
        } else {
            size_shape(L, types[szi], args[szi], shape);
        }
        out = cg_alloc_array(L, rt, shape);
        n = cg_array_size(L, rt, out);
    }
    LLVMTypeRef fp[4] = {L->ptr, L->i64, L->i64, L->i64};
    switch (bid) {
    case BI_RND_RANDOM: case BI_RND_RANDOM_SAMPLE: case BI_RND_RANF: case BI_RND_SAMPLE: case BI_RND_RAND:
    case BI_RND_RANDN: case BI_RND_STD_NORMAL: {
        bool gauss = bid == BI_RND_RANDN || bid == BI_RND_STD_NORMAL;
        if (!out) return gauss ? cg_call(L, "ember_rt_random_gauss", L->f64, NULL, NULL, 0) : cg_rng_double(L, rng_state(L));
        LLVMValueRef a2[2] = {cg_arr_data(L, out), n};
        cg_call(L, gauss ? "ember_rt_random_fill_gauss" : "ember_rt_random_fill_double", L->voidt, fp, a2, 2);
        return out;
    }
    case BI_RND_RANDINT: {
        LLVMValueRef lo = cg_cast(L, args[0], types[0], ty_int64), hi;
        if (ci->argmap[1] < 0 || types[1]->kind == TY_NONE) {
            hi = lo;
            lo = i64c(L, 0);
        } else {
            hi = cg_cast(L, args[1], types[1], ty_int64);
        }
        cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntSLT, lo, hi, ""), "builtins:ValueError", "low >= high");
        if (!out) return rng_randint(L, lo, hi);
        LLVMValueRef a4[4] = {cg_arr_data(L, out), n, lo, hi};
        cg_call(L, "ember_rt_random_fill_randint", L->voidt, fp, a4, 4);
        return out;
    }
    case BI_RND_NORMAL: case BI_RND_UNIFORM: {
        bool normal = bid == BI_RND_NORMAL;
        LLVMValueRef p0 = param_f64(L, ci, args, types, 0, 0.0), p1 = param_f64(L, ci, args, types, 1, 1.0);
        if (normal) {
            cg_raise_unless(L, cg_scale_ok(L, p1), "builtins:ValueError", "scale < 0");
        } else {
            LLVMValueRef span = cg_intrinsic1(L, "llvm.fabs.f64", LLVMBuildFSub(L->b, p1, p0, ""));
            cg_raise_unless(L, LLVMBuildFCmp(L->b, LLVMRealOLT, span, f64c(L, INFINITY), ""), "builtins:OverflowError",
                         "Range exceeds valid bounds");
        }
        const char *name = normal ? "ember_rt_random_normal" : "ember_rt_random_uniform";
        LLVMTypeRef dp[2] = {L->f64, L->f64};
        LLVMValueRef a2[2] = {p0, p1};
        if (!out) return cg_call(L, name, L->f64, dp, a2, 2);
        LoopCtx lc;
        LLVMValueRef i = cg_loop_begin(L, &lc, n);
        LLVMValueRef v = cg_call(L, name, L->f64, dp, a2, 2);
        LLVMBuildStore(L->b, v, cg_gep8(L, cg_arr_data(L, out), LLVMBuildMul(L->b, i, i64c(L, 8), "")));
        cg_loop_end(L, &lc);
        return out;
    }
    }
    return NULL;
}

/* ---- dispatch ----------------------------------------------------------------------- */
LLVMValueRef cg_nplib_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    int bid = ci->builtin;
    const Type *rt = ci->ret;
    if (bid < BI_COUNT && !strcmp(ti_builtins[bid].module, "numpy.random")) return random_call(L, in, ci, args, types);
    switch (bid) {
    case METHOD_SORT: case BI_NP_SORT: {
        int nd = types[0]->ndim;
        return np_sort(L, types[0], args[0], axis_param(L, in, ci, types, 1, nd, -1, nd - 1), bid == METHOD_SORT, rt);
    }
    case BI_NP_ARGSORT: {   /* kind= "stable" or "mergesort": stable; else NumPy's default argsort */
        const char *kind = ci->argmap[2] >= 0 && types[2]->kind != TY_NONE ? ti_const_str(L->ti, in->args[ci->argmap[2]]) : NULL;
        bool stable = kind && (!strcmp(kind, "stable") || !strcmp(kind, "mergesort"));
        return np_argsort(L, types[0], args[0], axis_param(L, in, ci, types, 1, types[0]->ndim, -1, types[0]->ndim - 1), rt, stable);
    }
    case BI_NP_SEARCHSORTED: {
        bool right = const_side_right(L, in, ci, 2);
        const Type *at = types[0];
        LLVMValueRef a = aligned(L, &at, args[0]);
        if (types[1]->kind != TY_ARRAY) return search_one(L, at, a, args[1], types[1], right, NULL);
        LLVMValueRef shape[64];
        for (int k = 0; k < types[1]->ndim; k++) shape[k] = cg_arr_shape(L, args[1], k);
        SearchEnv S = {.at = at, .vt = types[1], .rt = rt, .a = a, .v = args[1], .right = right};
        bool ints = at->dtype == DT_INT64 && ty_scalar_of(types[1]->dtype) != ty_float64;   /* search_one's compare */
        S.st.last = cg_entry_alloca(L, ints ? L->i64 : L->f64, "search.last");
        S.st.prev = cg_entry_alloca(L, L->i64, "search.prev");
        /* a key no search goes right of, and n: the first key searches [0, n) (or gives n, as every
         * search of it does), as NumPy's */
        LLVMBuildStore(L->b, ints ? i64c(L, INT64_MAX) : f64c(L, NAN), S.st.last);
        LLVMBuildStore(L->b, cg_arr_shape(L, a, 0), S.st.prev);
        S.out = cg_alloc_array(L, rt, shape);
        cg_loop_nest(L, types[1]->ndim, shape, search_body, &S);
        return S.out;
    }
    case BI_NP_MEDIAN: return order_stat(L, bid, types[0], args[0], ty_float64, NULL, axis_param(L, in, ci, types, 1, types[0]->ndim, -1, -1), rt);
    case BI_NP_PERCENTILE: case BI_NP_QUANTILE:
        return order_stat(L, bid, types[0], args[0], types[1], args[1], axis_param(L, in, ci, types, 2, types[0]->ndim, -1, -1), rt);
    case BI_NP_UNIQUE: return np_unique(L, types[0], args[0]);
    case BI_NP_DIFF: {
        LLVMValueRef n = ci->argmap[1] >= 0 && types[1]->kind != TY_NONE ? cg_cast(L, args[1], types[1], ty_int64) : i64c(L, 1);
        return np_diff(L, types[0], args[0], n, rt);
    }
    case BI_NP_CONCATENATE: {
        int64_t ax = 0;
        if (ci->argmap[1] >= 0) ti_const_int(L->ti, in->args[ci->argmap[1]], &ax);
        return np_concatenate(L, types[0], args[0], (int)ax, rt, ci->argmap[1] >= 0 && types[1]->kind == TY_NONE);
    }
    case BI_NP_DOT: {
        bool out = ci->nparams > 2 && ci->argmap[2] >= 0 && types[2]->kind != TY_NONE;   /* (a.dot(b) has two) */
        const Type *pt = out ? ty_array(rt->dtype, rt->ndim, 'C', false) : rt;   /* the product, then copied to out */
        LLVMValueRef p = types[0]->ndim > 2 || types[1]->ndim > 2 ? cg_dot_nd(L, types[0], args[0], types[1], args[1], pt)
                                                                  : cg_product(L, types[0], args[0], types[1], args[1], pt, true);
        if (!out) return p;
        LLVMValueRef same = LLVMConstInt(L->i1, 1, 0);
        for (int k = 0; k < rt->ndim; k++)
            same = LLVMBuildAnd(L->b, same, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, p, k), cg_arr_shape(L, args[2], k), ""), "");
        cg_raise_unless(L, same, "builtins:ValueError",
                        "output array is not acceptable (must have the right datatype, number of dimensions, and be a C-Array)");
        cg_assign_noalias(L, rt, args[2], pt, p);
        return args[2];
    }
    case BI_NP_MATMUL: return cg_product(L, types[0], args[0], types[1], args[1], rt, false);
    case BI_NP_VDOT: return np_vdot(L, types[0], args[0], types[1], args[1], rt);
    case BI_NP_OUTER:
        return np_outer(L, types[0], args[0], types[1], args[1], rt,
                        ci->nparams > 2 && ci->argmap[2] >= 0 && types[2]->kind != TY_NONE ? args[2] : NULL);
    case BI_LA_SOLVE:
        if (rt->dtype != DT_FLOAT64 || types[0]->ndim > 2 || types[1]->ndim > 2) return cg_linalg_call(L, in, ci, args, types);
        return la_solve(L, types[0], args[0], types[1], args[1], rt);
    case BI_LA_INV: case BI_LA_DET:
        if (ti_linalg_dtype(types[0]->dtype) != DT_FLOAT64 || types[0]->ndim > 2) return cg_linalg_call(L, in, ci, args, types);
        return la_inv_det(L, bid, types[0], args[0], rt);
    case BI_LA_NORM: {
        int src = cg_reduce_source(L, ci, in);   /* norm(a - b): the 2-norm, a - b never made */
        LLVMValueRef v = src >= 0 ? cg_fused_sum_squares(L, src) : la_norm(L, in, ci, types[0], args[0]);
        if (v && src >= 0) v = cg_intrinsic1(L, "llvm.sqrt.f64", v);
        const Type *st = ty_float64;   /* a float32 array's norm is a float32, rounded once */
        return v && rt == ty_float64 && cg_is_narrow_float(types[0]->dtype) ? cg_f32_round(L, v, &st, DT_FLOAT32) : v;
    }
    }
    if (bid < BI_COUNT && !strcmp(ti_builtins[bid].module, "numpy.linalg")) return cg_linalg_call(L, in, ci, args, types);
    return cg_npshape_call(L, in, ci, args, types);
}
