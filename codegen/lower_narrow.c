/* lower_narrow.c: int64 arithmetic computed in 16 or 32 bits where typing's value ranges
 * (typeinfer/ranges.c) prove the narrow result exact.
 *
 * Python and Numba type int8 * int8 as int64, so out[i] = (a[i] * b[i] + 7) // 4 on int8 arrays
 * runs its vector loop in 64-bit lanes: 8 per 512-bit register, where 16-bit lanes give 32. LLVM
 * narrows a chain only towards the type it is truncated to, and its vectoriser's minimum-bitwidth
 * analysis (computeMinimumValueSizes) leaves alone chains whose types the target has as scalars,
 * which on x86 is all of them. So an operation whose operands and result all fit W bits (W = 16
 * or 32, the smallest that does) is lowered as
 *
 *     sext i64 (op iW (trunc a to iW), (trunc b to iW))
 *
 * The value is the same int64 as before, so every user stays as it is; between two narrowed
 * operations instcombine folds trunc(sext x) to x, comparisons of sign-extended values narrow
 * too (icmp (sext a), (sext b) is icmp a, b), and a store to an int8 array truncates the iW
 * value directly. + - * << and unary minus carry nsw (the result fits: no overflow).
 *
 * Floor division and modulo narrow where the divisor's range excludes 0 (no ZeroDivisionError to
 * raise; sdiv's one overflow, MIN // -1, cannot happen when the result fits, and srem's, MIN % -1,
is kept out by widening where a may be MIN and b -1), with Python's
 * signs: q = a sdiv b - (r != 0 and r, b of different signs), r = a srem b (+ b in that case);
 * a >= 0 and b > 0 take udiv/urem. Shifts narrow where the count lies in [0, 62]: >> by
 * W - 1 or more gives the sign fill either way, so the narrow count is clamped to W - 1.
 * Values that are all >= 0 may take W unsigned bits where they need W + 1 signed ones (uint8
 * pixels: a * w + b * (255 - w) <= 65025): nuw instead of nsw, udiv/urem, lshr, zext back.
 * 8-bit lanes only for what x86 has in 8 bits (+, -, &, |, ^, min, max, abs: vpaddb, vpminub,
 * vpabsb): it has no 8-bit multiply, shift or division. A median of three uint8 pixels,
 * max(min(a, b), min(max(a, b), c)), ran its vector loop in 16-bit lanes (InstCombine narrows a
 * min of two widenings only where one of them has no other use): 64 pixels a vector where 8-bit
 * lanes take 128 (700x700 rows 0.0297 -> 0.0212 ms, numba 0.0187).
 */
#include "lower.h"

static bool known(IntRange r) { return r.lo <= r.hi && !(r.lo == INT64_MIN && r.hi == INT64_MAX); }

static bool fits(IntRange r, int w) {
    return r.lo >= -(1LL << (w - 1)) && r.hi <= (1LL << (w - 1)) - 1;
}

static bool fits_unsigned(IntRange r, int w) { return r.lo >= 0 && r.hi <= (long long)((1ULL << w) - 1); }

/* The narrow width for values v[0..n-1] (from `least`, 8 or 16, to 32), or 0 when one of them
 * needs 64 bits. Signed first; where `uns` is given, values that are all >= 0 may take the
 * unsigned type of a width (uint8 * uint8 needs 17 signed bits, 16 unsigned ones), *uns then set. */
static int narrow_width(Lower *L, const int *v, int n, bool *uns, int least) {
    const IntRange *range = L->ti->range;
    if (uns) *uns = false;
    if (!range || L->numpy_sem) return 0;
    for (int w = least; w <= 32; w *= 2) {
        bool all = true, all_u = uns != NULL;
        for (int k = 0; k < n; k++) {
            all = all && known(range[v[k]]) && fits(range[v[k]], w);
            all_u = all_u && known(range[v[k]]) && fits_unsigned(range[v[k]], w);
        }
        if (all) return w;
        if (all_u) return *uns = true, w;
    }
    return 0;
}

static LLVMValueRef cst(LLVMTypeRef t, long long v) { return LLVMConstInt(t, (unsigned long long)v, 1); }

/* Python's a // b or a % b in type t, b's range excluding 0. */
static LLVMValueRef div_mod(Lower *L, LLVMTypeRef t, LLVMValueRef a, LLVMValueRef b, IntRange ra, IntRange rb, bool want_mod) {
    if (ra.lo >= 0 && rb.lo > 0) return want_mod ? LLVMBuildURem(L->b, a, b, "") : LLVMBuildUDiv(L->b, a, b, "");
    LLVMValueRef zero = cst(t, 0);
    LLVMValueRef r = LLVMBuildSRem(L->b, a, b, "");
    LLVMValueRef adjust = rb.lo > 0 ? LLVMBuildICmp(L->b, LLVMIntSLT, r, zero, "")   /* r < 0 implies r != 0 */
                                    : LLVMBuildICmp(L->b, LLVMIntSGT, r, zero, "");   /* b < 0: r > 0 */
    if (want_mod) return LLVMBuildSelect(L->b, adjust, LLVMBuildNSWAdd(L->b, r, b, ""), r, "");
    return LLVMBuildSub(L->b, LLVMBuildSDiv(L->b, a, b, ""), LLVMBuildZExt(L->b, adjust, t, ""), "");
}

LLVMValueRef cg_narrow_binop(Lower *L, Instr *in, int op, LLVMValueRef a, LLVMValueRef b) {
    if (!in || in->op != IR_BINOP || in->imm != op || (L->ti->vtypes[in->id] != ty_int64 && L->ti->vtypes[in->id] != ty_uint64))
        return NULL;
    const IntRange *range = L->ti->range;
    int vals[3] = {in->id, in->args[0], in->args[1]};
    bool shift = op == IRB_LSHIFT || op == IRB_RSHIFT, uns;
    bool bytes = op == IRB_ADD || op == IRB_SUB || op == IRB_AND || op == IRB_OR || op == IRB_XOR;
    int w = narrow_width(L, vals, shift ? 2 : 3, &uns, bytes ? 8 : 16);   /* a shift's count is clamped below */
    if (!w) return NULL;
    IntRange ra = range[in->args[0]], rb = range[in->args[1]];
    if ((op == IRB_FLOORDIV || op == IRB_MOD) && rb.lo <= -1 && rb.hi >= -1 && ra.lo == -(1LL << (w - 1)))
        w *= 2;   /* MIN srem -1 traps even where MIN // -1 would not be needed */
    if (w > 32 || (uns && shift && rb.hi > w - 1)) return NULL;   /* unsigned: >> by w or more is 0 */
    LLVMTypeRef t = LLVMIntTypeInContext(L->c, (unsigned)w);
    LLVMValueRef x = LLVMBuildTrunc(L->b, a, t, ""), y = NULL, r = NULL;
    if (shift) {
        if (!known(rb) || rb.lo < 0 || rb.hi > 62) return NULL;
        LLVMValueRef k = rb.hi > w - 1 ? LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntUGT, b, i64c(L, w - 1), ""), i64c(L, w - 1), b, "") : b;
        y = LLVMBuildTrunc(L->b, k, t, "");
    } else {
        y = LLVMBuildTrunc(L->b, b, t, "");
    }
    switch (op) {
    case IRB_ADD: r = uns ? LLVMBuildNUWAdd(L->b, x, y, "") : LLVMBuildNSWAdd(L->b, x, y, ""); break;
    case IRB_SUB: r = uns ? LLVMBuildNUWSub(L->b, x, y, "") : LLVMBuildNSWSub(L->b, x, y, ""); break;
    case IRB_MUL: r = uns ? LLVMBuildNUWMul(L->b, x, y, "") : LLVMBuildNSWMul(L->b, x, y, ""); break;
    case IRB_AND: r = LLVMBuildAnd(L->b, x, y, ""); break;
    case IRB_OR: r = LLVMBuildOr(L->b, x, y, ""); break;
    case IRB_XOR: r = LLVMBuildXor(L->b, x, y, ""); break;
    case IRB_LSHIFT: r = LLVMBuildShl(L->b, x, y, ""); uns ? LLVMSetNUW(r, 1) : LLVMSetNSW(r, 1); break;
    case IRB_RSHIFT: r = uns ? LLVMBuildLShr(L->b, x, y, "") : LLVMBuildAShr(L->b, x, y, ""); break;
    case IRB_FLOORDIV: case IRB_MOD:
        if (rb.lo <= 0 && rb.hi >= 0) return NULL;
        r = div_mod(L, t, x, y, ra, rb, op == IRB_MOD);
        break;
    default: return NULL;
    }
    return uns ? LLVMBuildZExt(L->b, r, L->i64, "") : LLVMBuildSExt(L->b, r, L->i64, "");
}

LLVMValueRef cg_narrow_unop(Lower *L, Instr *in, LLVMValueRef a) {
    if (!in || in->op != IR_UNOP || (in->imm != IRU_NEG && in->imm != IRU_INVERT) || L->ti->vtypes[in->id] != ty_int64) return NULL;
    int vals[2] = {in->id, in->args[0]};
    int w = narrow_width(L, vals, 2, NULL, 8);
    if (!w) return NULL;
    LLVMTypeRef t = LLVMIntTypeInContext(L->c, (unsigned)w);
    LLVMValueRef x = LLVMBuildTrunc(L->b, a, t, "");
    LLVMValueRef r = in->imm == IRU_NEG ? LLVMBuildNSWSub(L->b, cst(t, 0), x, "") : LLVMBuildXor(L->b, x, cst(t, -1), "");
    return LLVMBuildSExt(L->b, r, L->i64, "");
}

/* min(a, b, ...), max(...) and abs(a) of ints: instcombine would otherwise widen the operand
 * chain back to i64 before it narrows the min/max of sign-extended values. */
LLVMValueRef cg_narrow_call(Lower *L, Instr *in, const CallInfo *ci, LLVMValueRef *args, int n) {
    if (!in || in->op != IR_CALL || in->nkw || n < 1 || n > 8 || n != in->nargs - 1 || L->ti->vtypes[in->id] != ty_int64) return NULL;
    bool is_abs = ci->builtin == BI_ABS;
    if (is_abs ? n != 1 : n < 2) return NULL;
    int vals[9] = {in->id};
    for (int k = 0; k < n; k++) {
        if (ci->params[k] != ty_int64) return NULL;
        vals[k + 1] = in->args[k + 1];
    }
    bool uns;
    int w = narrow_width(L, vals, n + 1, &uns, 8);
    if (!w) return NULL;
    LLVMTypeRef t = LLVMIntTypeInContext(L->c, (unsigned)w);
    LLVMValueRef best = LLVMBuildTrunc(L->b, args[0], t, "");
    if (uns) {   /* abs of a value >= 0 is itself */
        for (int k = 1; k < n && !is_abs; k++) {
            LLVMValueRef x = LLVMBuildTrunc(L->b, args[k], t, "");
            LLVMValueRef better = LLVMBuildICmp(L->b, ci->builtin == BI_MAX ? LLVMIntUGT : LLVMIntULT, x, best, "");
            best = LLVMBuildSelect(L->b, better, x, best, "");
        }
        return LLVMBuildZExt(L->b, best, L->i64, "");
    }
    if (is_abs) {
        LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, best, cst(t, 0), "");
        return LLVMBuildSExt(L->b, LLVMBuildSelect(L->b, neg, LLVMBuildNSWSub(L->b, cst(t, 0), best, ""), best, ""), L->i64, "");
    }
    for (int k = 1; k < n; k++) {   /* a later value only when strictly better, as Python picks */
        LLVMValueRef x = LLVMBuildTrunc(L->b, args[k], t, "");
        LLVMValueRef better = LLVMBuildICmp(L->b, ci->builtin == BI_MAX ? LLVMIntSGT : LLVMIntSLT, x, best, "");
        best = LLVMBuildSelect(L->b, better, x, best, "");
    }
    return LLVMBuildSExt(L->b, best, L->i64, "");
}
