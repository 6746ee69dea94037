/* lower_ops.c: operators and builtins with Python semantics (DESIGN.md contract 8).
 *
 *   int + - *      64-bit two's complement with nsw, as Numba (see README: overflow)
 *   int // and %   floor toward -inf, sign of the divisor; x // 0 raises ZeroDivisionError;
 *                  INT64_MIN // -1 wraps (never LLVM's undefined sdiv overflow)
 *   float // and % CPython's float_divmod algorithm, signed zeros included
 *   / on ints      converts to float; division by zero raises
 *   << and >>      a negative count raises ValueError; counts >= 64 give 0 or the sign fill
 *   int ** int     repeated squaring inline, a negative exponent as in Numba (ember_rt_ipow)
 *   round(x)       half to even; int(nan) raises ValueError, int(inf) OverflowError
 * Math functions map to LLVM intrinsics where LLVM has one (so loops over them vectorise) and to
 * the C math library otherwise; out-of-domain inputs give NaN/inf as in Numba.
 */
#include "lower.h"
#include <math.h>
#include <string.h>


static LLVMValueRef copysign_(Lower *L, LLVMValueRef x, LLVMValueRef y) {
    return cg_call_f64_2(L, "llvm.copysign.f64", x, y);
}

/* A call to a runtime function returning a status, with its result through a pointer (its first
 * parameter). */
LLVMValueRef cg_rt_status_call(Lower *L, const char *name, LLVMTypeRef rett, LLVMTypeRef *pt, LLVMValueRef *args, int n) {
    LLVMTypeRef all_t[8];
    LLVMValueRef all[8];
    LLVMValueRef slot = cg_entry_alloca(L, rett, "rt");
    all_t[0] = L->ptr;
    all[0] = slot;
    memcpy(all_t + 1, pt, sizeof(LLVMTypeRef) * (size_t)n);
    memcpy(all + 1, args, sizeof(LLVMValueRef) * (size_t)n);
    cg_check_status(L, cg_call(L, name, L->i32, all_t, all, n + 1));
    return LLVMBuildLoad2(L->b, rett, slot, "");
}

/* Division by zero as NumPy's: inside array loops, in functions compiled with
 * error_model="numpy" (Numba's option), and in the body of a prange loop outside a try block
 * (Numba compiles that body with error_model="numpy": rows normalised by a zero norm give inf
 * and nan there, not ZeroDivisionError; a try block in it asks for the exception): x // 0 and
 * x % 0 are 0, x / 0.0 is inf or nan. */
static bool divides_as_numpy(Lower *L) {
    Block *b = L->cur ? L->cur->block : NULL;
    return L->numpy_sem || L->ti->root->fn->error_numpy ||
           (L->ti->nparloops && b && !b->handler && cg_parloop_of_block(L->ti, b));
}

/* ---- integers ---------------------------------------------------------------------- */
static LLVMValueRef int_floordiv_mod(Lower *L, LLVMValueRef a, LLVMValueRef b, bool want_mod) {
    LLVMValueRef zero = NULL;
    if (divides_as_numpy(L)) {   /* NumPy: x // 0 and x % 0 are 0 */
        zero = LLVMBuildICmp(L->b, LLVMIntEQ, b, i64c(L, 0), "");
        b = LLVMBuildSelect(L->b, zero, i64c(L, 1), b, "");
    } else {
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, b, i64c(L, 0), ""), "builtins:ZeroDivisionError",
                    want_mod ? "integer modulo by zero" : "integer division or modulo by zero");
    }
    /* x // -1 and x % -1 branch off (LLVM's sdiv of INT64_MIN by -1 is undefined). A branch,
     * not a select on the divisor: the division stays off the guard's dependency chain. */
    LLVMValueRef minus1 = LLVMBuildICmp(L->b, LLVMIntEQ, b, i64c(L, -1), "");
    LLVMValueRef at_minus1 = want_mod ? i64c(L, 0) : LLVMBuildSub(L->b, i64c(L, 0), a, "");
    LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef div = LLVMAppendBasicBlockInContext(L->c, L->func, "div");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "divjoin");
    LLVMBuildCondBr(L->b, minus1, join, div);
    LLVMPositionBuilderAtEnd(L->b, div);
    LLVMValueRef r = LLVMBuildSRem(L->b, a, b, "");
    LLVMValueRef signs_differ = LLVMBuildICmp(L->b, LLVMIntSLT, LLVMBuildXor(L->b, r, b, ""), i64c(L, 0), "");
    LLVMValueRef adjust = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntNE, r, i64c(L, 0), ""), signs_differ, "");
    LLVMValueRef result;
    if (want_mod) {
        result = LLVMBuildSelect(L->b, adjust, LLVMBuildAdd(L->b, r, b, ""), r, "");
    } else {
        LLVMValueRef q = LLVMBuildSDiv(L->b, a, b, "");
        result = LLVMBuildSub(L->b, q, LLVMBuildZExt(L->b, adjust, L->i64, ""), "");
    }
    LLVMBasicBlockRef div_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    LLVMValueRef q = cg_phi2(L, at_minus1, from, result, div_end, "");
    return zero ? LLVMBuildSelect(L->b, zero, i64c(L, 0), q, "") : q;
}

/* Python's a // b and a % b where typing knows b >= 0 (typeinfer/facts.c): after the zero check
 * (or NumPy's 0 for a zero divisor, in a prange body) b > 0, so no -1 guard; the remainder takes b's sign with one add of b where it is negative
 * (r < 0 implies r != 0), and where a >= 0 too, the unsigned division is the whole answer. */
static LLVMValueRef int_div_mod_pos(Lower *L, LLVMValueRef a, LLVMValueRef b, bool want_mod, bool a_nonneg) {
    LLVMValueRef zero = NULL, q;
    if (divides_as_numpy(L)) {   /* NumPy (a prange body): x // 0 and x % 0 are 0 */
        zero = LLVMBuildICmp(L->b, LLVMIntEQ, b, i64c(L, 0), "");
        b = LLVMBuildSelect(L->b, zero, i64c(L, 1), b, "");
    } else {
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, b, i64c(L, 0), ""), "builtins:ZeroDivisionError",
                    want_mod ? "integer modulo by zero" : "integer division or modulo by zero");
    }
    if (a_nonneg) {
        q = want_mod ? LLVMBuildURem(L->b, a, b, "") : LLVMBuildUDiv(L->b, a, b, "");
    } else {
        LLVMValueRef r = LLVMBuildSRem(L->b, a, b, "");
        LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, r, i64c(L, 0), "");
        q = want_mod ? LLVMBuildSelect(L->b, neg, LLVMBuildNSWAdd(L->b, r, b, ""), r, "")
                     : LLVMBuildSub(L->b, LLVMBuildSDiv(L->b, a, b, ""), LLVMBuildZExt(L->b, neg, L->i64, ""), "");
    }
    return zero ? LLVMBuildSelect(L->b, zero, i64c(L, 0), q, "") : q;
}

/* Whether operand k of binary instruction `in` (lowered as op) is an int typing knows is >= 0. */
static bool nonneg_operand(Lower *L, Instr *in, int op, int k) {
    return in && in->op == IR_BINOP && in->imm == op && L->ti->nonneg && L->ti->nonneg[in->args[k]];
}

/* Python's a // b or a % b for int64 `in` (NULL: no facts), by a division: the unsigned one or
 * the sign fix-up alone where typing knows the operands are >= 0. */
static LLVMValueRef int_div_mod(Lower *L, LLVMValueRef a, LLVMValueRef b, bool want_mod, Instr *in) {
    int op = want_mod ? IRB_MOD : IRB_FLOORDIV;
    long long c = LLVMIsAConstantInt(b) ? LLVMConstIntGetSExtValue(b) : 0;
    if (c > 0 && !(c & (c - 1)))   /* a power of two: Python's floor division is the arithmetic shift, its
                                    * modulo the low bits (LLVM kept a divide and its sign fix-up where both
                                    * were taken of one value: (a // 16) * 3 + a % 16 ran 1.35x Numba's time) */
        return want_mod ? LLVMBuildAnd(L->b, a, i64c(L, c - 1), "") : LLVMBuildAShr(L->b, a, i64c(L, __builtin_ctzll((unsigned long long)c)), "");
    if (nonneg_operand(L, in, op, 1)) return int_div_mod_pos(L, a, b, want_mod, nonneg_operand(L, in, op, 0));
    return int_floordiv_mod(L, a, b, want_mod);
}

/* ---- a % n along a run ---------------------------------------------------------------
 * A periodic index, (j + 1) % m in a loop over j, costs an integer division (20 to 40 cycles)
 * each time, though from one evaluation to the next a grows by one. So a `%` site in a loop, its
 * divisor not a constant, keeps its last a, n and result in slots that become registers: when
 * n is the same positive divisor and a is the last a or one more (a - last a not overflowing),
 * the result is the last one or one more, 0 at n, with no division; otherwise it divides as
 * before (and raises for n == 0). A scan of a torus, (j - 1) % m and (j + 1) % m per cell:
 * 0.168 -> 0.058 ms for 256x256 (Numba 0.098). Steps back (a stencil's offsets -1, 0, 1 along a
 * row come back by 2) divide: taking them too, with a test of the sign, made such scans 1.5-2.2x
 * slower than dividing, as LLVM then kept every site's tests. So does a site LICM or CSE would
 * share among the copies of a loop LLVM unrolls whole (cg_mod_divides). */

/* Whether int value v may step by one from one evaluation to the next: a range value, a
 * variable every store sets to one or grows (one with a floor or ceiling slot, lower_floor.c),
 * or one of those plus anything, or minus anything (j + shift[k], i - lo). A dividend from
 * elsewhere alone (int(x) of a float, a load from an array) jumps about: its site divides at
 * once, without the run's tests (a charge deposit's four random cells: 2.42 -> 2.11 ms). */
static bool may_step(Lower *L, int v, int depth) {
    Instr *x = v >= 0 ? L->fn->instrs[v] : NULL;
    if (!x || depth > 8) return false;
    switch (x->op) {
    case IR_ITERVALUE: return L->ti->vtypes[x->args[0]]->iter_of == ty_range;
    case IR_LOADVAR: return (L->floor_vars && L->floor_vars[x->imm]) || (L->ceil_vars && L->ceil_vars[x->imm]);
    case IR_COPY: return may_step(L, x->args[0], depth + 1);
    case IR_BINOP:
        if (x->imm != IRB_ADD && x->imm != IRB_SUB) return false;
        return may_step(L, x->args[0], depth + 1) || (x->imm == IRB_ADD && may_step(L, x->args[1], depth + 1));
    default: return false;
    }
}

/* An i64 slot in the entry block, set to 0 there. */
static LLVMValueRef zeroed_slot(Lower *L, const char *name) {
    LLVMValueRef slot = cg_entry_alloca(L, L->i64, name);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(L->c);
    LLVMPositionBuilderBefore(b, LLVMGetNextInstruction(slot));
    LLVMBuildStore(b, i64c(L, 0), slot);
    LLVMDisposeBuilder(b);
    return slot;
}

/* Python's a % b for int64 `in`, with a division only where the last result does not give it. */
static LLVMValueRef int_mod_along_run(Lower *L, LLVMValueRef a, LLVMValueRef b, Instr *in) {
    LLVMValueRef sa = zeroed_slot(L, "mod.a"), sb = zeroed_slot(L, "mod.n"), sr = zeroed_slot(L, "mod.r");
    LLVMValueRef la = LLVMBuildLoad2(L->b, L->i64, sa, ""), lb = LLVMBuildLoad2(L->b, L->i64, sb, "");
    LLVMValueRef lr = LLVMBuildLoad2(L->b, L->i64, sr, "");
    LLVMTypeRef pt[2] = {L->i64, L->i64};
    LLVMValueRef ops[2] = {a, la};
    LLVMValueRef sub = cg_call(L, "llvm.ssub.with.overflow.i64", LLVMStructTypeInContext(L->c, (LLVMTypeRef[]){L->i64, L->i1}, 2, 0),
                               pt, ops, 2);
    LLVMValueRef d = LLVMBuildExtractValue(L->b, sub, 0, "");
    /* lb is 0 or a positive divisor */
    LLVMValueRef hit = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, b, lb, ""), LLVMBuildICmp(L->b, LLVMIntNE, lb, i64c(L, 0), ""), "");
    hit = LLVMBuildAnd(L->b, hit, LLVMBuildNot(L->b, LLVMBuildExtractValue(L->b, sub, 1, ""), ""), "");
    hit = LLVMBuildAnd(L->b, hit, LLVMBuildICmp(L->b, LLVMIntULE, d, i64c(L, 1), ""), "");
    LLVMBasicBlockRef fast = LLVMAppendBasicBlockInContext(L->c, L->func, "mod.run");
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(L->c, L->func, "mod.divide");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "mod.join");
    LLVMBuildCondBr(L->b, hit, fast, slow);
    LLVMPositionBuilderAtEnd(L->b, fast);
    LLVMValueRef t = LLVMBuildNUWAdd(L->b, lr, d, "");   /* lr < n, d <= 1 */
    LLVMValueRef rf = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, t, b, ""), i64c(L, 0), t, "");
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, slow);
    LLVMValueRef rs = int_div_mod(L, a, b, true, in);
    LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    LLVMValueRef r = cg_phi2(L, rf, fast, rs, slow_end, "mod");
    LLVMBuildStore(L->b, a, sa);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, b, i64c(L, 0), ""), b, i64c(L, 0), ""), sb);
    LLVMBuildStore(L->b, r, sr);
    return r;
}

/* ---- (j + d) % n for j in range(n) and d in [-1, 1] --------------------------------------
 * A periodic neighbour (Life's g[(i + 1) % h, j], a torus stencil's (j + dj) % n for dj in
 * range(-1, 2)): where j is the item of a loop over range(n) (or range(k, n), k >= 0 a constant,
 * by a positive constant step) whose bound n is the divisor, a variable assigned once, and d a
 * constant or the item of a loop over a range of constants, all within [-1, 1], then j + d lies
 * in [-1, n] and the remainder is j + d + n, j + d - n or j + d: two compares and two selects,
 * with no division and nothing carried round the loop, so the loop vectorises. A run (below)
 * carries its last result from one trip to the next, which keeps a loop scalar: Life's rule on a
 * 2048x2048 int8 grid ran 2.2x numba's time, whose LLVM proves as much of its plain division. */
/* How many stores variable var has (2 for one an inner function shares or `del` removes, or
 * locals= declares: it may change where no store shows); *store the one where there is one. */
int cg_stored_once(Lower *L, int var, Instr **store) {
    if (L->fn->declared && var < L->fn->nvars && L->fn->declared[var]) return 2;
    int n = ti_var_stores(L->fn, var, store, 1);
    return n < 0 ? 2 : n;
}

/* The range() call whose item value v is (a read of the loop's variable, stored by it alone), or
 * NULL; *head (if given) the loop's header. */
static Instr *item_range(Lower *L, int v, Block **head) {
    Instr *x = L->fn->instrs[v], *st;
    if (x->op != IR_LOADVAR || cg_stored_once(L, x->imm, &st) != 1) return NULL;
    Instr *iv = L->fn->instrs[st->args[0]];
    return iv->op == IR_ITERVALUE ? cg_range_of_item(L, iv, head) : NULL;
}

static bool const_arg(Lower *L, Instr *r, int k, long long *c) {
    Instr *x = L->fn->instrs[r->args[k]];
    if (x->op != IR_CONST || x->c.kind != K_INT) return false;
    *c = x->c.i;
    return true;
}

/* Whether v is a constant or a loop's item over a range of constants, every value in [-1, 1];
 * *lo and *hi the least and greatest of them. */
static bool small_offset(Lower *L, int v, long long *lo, long long *hi) {
    Instr *x = L->fn->instrs[v];
    if (x->op == IR_CONST) {
        *lo = *hi = x->c.i;
        return x->c.kind == K_INT && x->c.i >= -1 && x->c.i <= 1;
    }
    Instr *r = item_range(L, v, NULL);
    long long a[3], n;
    if (!r || !cg_const_range(L, r, a, &n)) return false;
    *lo = *hi = 0;
    if (n == 0) return true;   /* (never runs) */
    long long last = a[0] + (n - 1) * a[2];
    *lo = a[0] < last ? a[0] : last, *hi = a[0] < last ? last : a[0];
    return *lo >= -1 && *hi <= 1;
}

/* Whether v, read in block `at`, is the item of a loop over range(n) with n the divisor d (a read
 * of a variable assigned once, outside that loop), the range's start a constant >= 0 and its step
 * a positive constant, and `at` is in the loop (so n is the one the range was made with); *head
 * the loop's header. */
static bool item_below(Lower *L, int v, int d, Block *at, Block **head) {
    Block *h = NULL;
    Instr *r = item_range(L, v, &h), *dv = L->fn->instrs[d], *st;
    *head = h;
    long long start = 0, step = 1;
    if (!r || dv->op != IR_LOADVAR || cg_stored_once(L, dv->imm, &st) != 1) return false;
    int last = cg_loop_last(L->fn, h);
    if (at->offset < h->offset || at->offset > last || (st->block->offset >= h->offset && st->block->offset <= last))
        return false;
    if (r->nargs >= 3 && (!const_arg(L, r, 1, &start) || start < 0)) return false;
    if (r->nargs == 4 && (!const_arg(L, r, 3, &step) || step <= 0)) return false;
    Instr *stop = L->fn->instrs[r->args[r->nargs == 2 ? 1 : 2]];
    return stop->op == IR_LOADVAR && stop->imm == dv->imm;
}

/* Whether a loop other than the one headed by h runs inside it around block b. */
static bool inner_loop_around(Lower *L, Block *h, Block *b) {
    for (int k = 0; k < L->fn->nblocks; k++) {
        Block *g = L->fn->blocks[k];
        int last = g != h && cg_foriter_of(g) ? cg_loop_last(L->fn, g) : -1;
        if (last >= 0 && g->offset > h->offset && g->offset <= b->offset && b->offset <= last) return true;
    }
    return false;
}

/* Whether value v indexes only arrays of elements of 1 or 2 bytes (or nothing). */
static bool indexes_narrow_only(Lower *L, int v, int depth) {
    for (int i = 0; i < L->fn->ninstrs; i++) {
        Instr *u = L->fn->instrs[i];
        for (int k = 0; u && k < u->nargs; k++) {
            if (u->args[k] != v) continue;
            if (u->op == IR_TUPLE && depth == 0 && !indexes_narrow_only(L, u->id, 1)) return false;
            if ((u->op == IR_GETITEM || u->op == IR_SETITEM) && k == 1) {
                const Type *a = L->ti->vtypes[u->args[0]];
                if (!a || a->kind != TY_ARRAY || ty_dtypes[a->dtype].size > 2) return false;
            }
        }
    }
    return true;
}

/* v % n for v in [-1, n]: v + n, v - n or v; `side` says which bound v may cross: -1 only below
 * 0 (v < n), 1 only n (v >= 0), 0 either. */
static LLVMValueRef wrapped(Lower *L, LLVMValueRef v, LLVMValueRef n, int side) {
    LLVMValueRef over = side < 0 ? v : LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSGE, v, n, ""), LLVMBuildSub(L->b, v, n, ""), v, "");
    if (side > 0) return over;
    return LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, v, i64c(L, 0), ""), LLVMBuildAdd(L->b, v, n, ""), over, "wrapped");
}

/* The same in the innermost loop over 4- or 8-byte elements: a branch taken where v lies outside
 * [0, n) (its first or last trips), which the module's pipeline (jit.c, with_irce) splits the
 * loop at: the trips between index with v itself, contiguous, and vectorise with plain loads
 * (`s += x[(j + 1) % n]` over 262144 ints 0.22 -> 0.02 ms, as Numba's). The test is unsigned
 * whichever bound v may cross: IRCE takes `v u< n` as a range check, where instcombine makes
 * `j - 1 >= 0` into `j != 0`, which it does not. */
static LLVMValueRef split_mod(Lower *L, LLVMValueRef v, LLVMValueRef n, int side) {
    LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef edge = LLVMAppendBasicBlockInContext(L->c, L->func, "mod.edge");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "mod.in");
    cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntULT, v, n, ""), true, join, edge);
    LLVMPositionBuilderAtEnd(L->b, edge);
    LLVMValueRef w = side < 0 ? LLVMBuildAdd(L->b, v, n, "") : side > 0 ? LLVMBuildSub(L->b, v, n, "") : wrapped(L, v, n, 0);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    if (!LLVMGetNamedMetadata(L->m, "ember.irce", 10))
        LLVMAddNamedMetadataOperand(L->m, "ember.irce", LLVMMetadataAsValue(L->c, LLVMMDNodeInContext2(L->c, NULL, 0)));
    return cg_phi2(L, v, here, w, edge, "wrapped");
}

static LLVMValueRef mod_of_neighbour(Lower *L, Instr *in, LLVMValueRef b) {
    Instr *x = L->fn->instrs[in->args[0]];
    if (x->op != IR_BINOP || (x->imm != IRB_ADD && x->imm != IRB_SUB) || L->ti->vtypes[x->id] != ty_int64) return NULL;
    int d = in->args[1], p = x->args[0], q = x->args[1];
    Block *h = NULL;
    long long lo, hi;
    bool ok = (item_below(L, p, d, in->block, &h) && small_offset(L, q, &lo, &hi)) ||
              (x->imm == IRB_ADD && item_below(L, q, d, in->block, &h) && small_offset(L, p, &lo, &hi));
    if (!ok) return NULL;
    if (x->imm == IRB_SUB) {   /* j - d */
        long long t = -lo;
        lo = -hi, hi = t;
    }
    int side = lo >= 0 ? 1 : hi <= 0 ? -1 : 0;
    /* Stepping along the innermost loop, the selects make the elements they index a gather once
     * the loop vectorises: for 4- and 8-byte elements that cost more than the scalar loop a run
     * gave (a 512x512 float64 torus diffusion: 0.33 ms against 0.26 with runs; Life on an int64
     * grid 8.4 against 6.3), where 1- and 2-byte elements gain (Life on int8: 2.4 against 5.4):
     * those get split_mod's branch instead, which the loop is split at */
    LLVMValueRef v = L->vals[x->id];
    if (!inner_loop_around(L, h, in->block) && !indexes_narrow_only(L, in->id, 0)) return split_mod(L, v, b, side);
    return wrapped(L, v, b, side);
}

/* a ** b for uint64 (b up to 2**64 - 1, wrapping): square and multiply over b's bits. */
static LLVMValueRef uint_pow(Lower *L, LLVMValueRef a, LLVMValueRef b) {
    LLVMValueRef r = cg_entry_alloca(L, L->i64, "upow"), x = cg_entry_alloca(L, L->i64, "base"), e = cg_entry_alloca(L, L->i64, "exp");
    LLVMBuildStore(L->b, i64c(L, 1), r);
    LLVMBuildStore(L->b, a, x);
    LLVMBuildStore(L->b, b, e);
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(L->c, L->func, "upow.head");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(L->c, L->func, "upow.body");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "upow.done");
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, head);
    LLVMValueRef ev = LLVMBuildLoad2(L->b, L->i64, e, "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntNE, ev, i64c(L, 0), ""), body, done);
    LLVMPositionBuilderAtEnd(L->b, body);
    LLVMValueRef xv = LLVMBuildLoad2(L->b, L->i64, x, ""), rv = LLVMBuildLoad2(L->b, L->i64, r, "");
    LLVMValueRef odd = LLVMBuildICmp(L->b, LLVMIntNE, LLVMBuildAnd(L->b, ev, i64c(L, 1), ""), i64c(L, 0), "");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, odd, LLVMBuildMul(L->b, rv, xv, ""), rv, ""), r);
    LLVMBuildStore(L->b, LLVMBuildMul(L->b, xv, xv, ""), x);
    LLVMBuildStore(L->b, LLVMBuildLShr(L->b, ev, i64c(L, 1), ""), e);
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, done);
    return LLVMBuildLoad2(L->b, L->i64, r, "");
}

static LLVMValueRef int_pow(Lower *L, bool is_unsigned, LLVMValueRef a, LLVMValueRef b) {
    if (L->numpy_sem && !is_unsigned)   /* NumPy refuses every negative exponent; scalars follow Numba (see ipow) */
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntSLT, b, i64c(L, 0), ""), "builtins:ValueError",
                    "Integers to negative integer powers are not allowed.");
    if (LLVMIsAConstantInt(b)) {
        long long e = LLVMConstIntGetSExtValue(b);
        if (e >= 0 && e <= 16) {   /* square-and-multiply, unrolled */
            LLVMValueRef result = i64c(L, 1), base = a;
            for (; e; e >>= 1) {
                if (e & 1) result = LLVMBuildMul(L->b, result, base, "");
                if (e > 1) base = LLVMBuildMul(L->b, base, base, "");
            }
            return result;
        }
    }
    if (is_unsigned) return uint_pow(L, a, b);
    /* a variable exponent: repeated squaring inline, as Numba's; a negative one (0 unless |a|
     * is 1, ZeroDivisionError for 0) in the runtime. The call per power cost a loop summing
     * (n - i) ** p 1.45x Numba's time. */
    LLVMValueRef r = cg_entry_alloca(L, L->i64, "ipow");
    LLVMBasicBlockRef neg = LLVMAppendBasicBlockInContext(L->c, L->func, "ipow.neg");
    LLVMBasicBlockRef pos = LLVMAppendBasicBlockInContext(L->c, L->func, "ipow.pos");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "ipow.join");
    cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntSLT, b, i64c(L, 0), ""), false, neg, pos);
    LLVMPositionBuilderAtEnd(L->b, pos);
    LLVMBuildStore(L->b, uint_pow(L, a, b), r);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, neg);
    LLVMTypeRef pt[2] = {L->i64, L->i64};
    LLVMValueRef args[2] = {a, b};
    LLVMBuildStore(L->b, cg_rt_status_call(L, "ember_rt_ipow", L->i64, pt, args, 2), r);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return LLVMBuildLoad2(L->b, L->i64, r, "");
}

static LLVMValueRef int_shift(Lower *L, bool left, bool is_unsigned, LLVMValueRef a, LLVMValueRef b) {
    /* Python raises on a negative count; NumPy reads the count as unsigned, so it shifts every
     * bit out. */
    if (!L->numpy_sem)
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntSLT, b, i64c(L, 0), ""), "builtins:ValueError", "negative shift count");
    LLVMValueRef big = LLVMBuildICmp(L->b, L->numpy_sem ? LLVMIntUGE : LLVMIntSGE, b, i64c(L, 64), "");
    LLVMValueRef cnt = LLVMBuildSelect(L->b, big, i64c(L, 63), b, "");
    if (left || is_unsigned) {   /* every bit shifted out */
        LLVMValueRef r = left ? LLVMBuildShl(L->b, a, cnt, "") : LLVMBuildLShr(L->b, a, cnt, "");
        return LLVMBuildSelect(L->b, big, i64c(L, 0), r, "");
    }
    return LLVMBuildAShr(L->b, a, cnt, "");
}

/* uint64 // and %: no signs to adjust for. */
static LLVMValueRef uint_div_mod(Lower *L, LLVMValueRef a, LLVMValueRef b, bool want_mod) {
    LLVMValueRef zero = LLVMBuildICmp(L->b, LLVMIntEQ, b, i64c(L, 0), "");
    bool np = divides_as_numpy(L);
    if (!np)
        cg_raise_if(L, zero, "builtins:ZeroDivisionError", want_mod ? "integer modulo by zero" : "integer division or modulo by zero");
    LLVMValueRef d = np ? LLVMBuildSelect(L->b, zero, i64c(L, 1), b, "") : b;   /* NumPy: x // 0 is 0 */
    LLVMValueRef r = want_mod ? LLVMBuildURem(L->b, a, d, "") : LLVMBuildUDiv(L->b, a, d, "");
    return np ? LLVMBuildSelect(L->b, zero, i64c(L, 0), r, "") : r;
}

/* ---- floats ------------------------------------------------------------------------ */
static void float_zero_check(Lower *L, LLVMValueRef b, const char *msg) {
    if (divides_as_numpy(L)) return;   /* NumPy: inf or nan */
    if (cg_defer_zero(L, b, msg)) return;   /* raised where its loop ends (lower_defer.c) */
    cg_raise_if(L, LLVMBuildFCmp(L->b, LLVMRealOEQ, b, f64c(L, 0), ""), "builtins:ZeroDivisionError", msg);
}

/* C's fmod(a, b), exactly. glibc 2.36's fmod costs ~22 ns (an x87 fprem loop), where the
 * quotient fits 52 bits there is a short way: q = trunc(a / b) is the true quotient or one off
 * (a / b is within half an ulp, below 2**52 that is below 0.5), and a - q * b, one fused
 * multiply-add, is then exact (a remainder is always representable); one off shows as a result
 * of the wrong sign or not below |b|, and one add or subtract of b puts it right. Zero takes a's
 * sign, as fmod's. NaN, infinities, b == 0 and quotients of 2**52 or more take fmod itself (a
 * call, not frem, which LLVM would compute on every path: 22 -> 3 ns an element in a loop).
 * Without FMA on the target, fmod always. */
LLVMValueRef cg_fmod(Lower *L, LLVMValueRef a, LLVMValueRef b) {
    LLVMBool loses;
    double kb = LLVMIsAConstantFP(b) ? LLVMConstRealGetDouble(b, &loses) : 0.0;
    int e;
    if (fabs(kb) >= 1.0 && isfinite(kb) && fabs(frexp(kb, &e)) == 0.5) {
        /* b a power of two, 1 or more (x % 4.0, x // 2.0): a / b is exact for every a (a
         * subnormal quotient truncates to 0 all the same), so a - trunc(a / b) * b is fmod's
         * result, inf and NaN included, with no call: a loop over it vectorises (as Numba's frem
         * by such a constant does) */
        LLVMValueRef q = cg_intrinsic1(L, "llvm.trunc.f64", LLVMBuildFMul(L->b, a, f64c(L, 1.0 / kb), ""));
        LLVMValueRef r = LLVMBuildFSub(L->b, a, LLVMBuildFMul(L->b, q, b, ""), "");
        return LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, r, f64c(L, 0), ""), copysign_(L, f64c(L, 0), a), r, "");
    }
    if (!cg_has_feature(L, "+fma")) return LLVMBuildFRem(L->b, a, b, "");
    LLVMValueRef abs_a = cg_intrinsic1(L, "llvm.fabs.f64", a), abs_b = cg_intrinsic1(L, "llvm.fabs.f64", b);
    LLVMValueRef fits = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOLT, abs_a, LLVMBuildFMul(L->b, abs_b, f64c(L, 4503599627370496.0), ""), ""),
                                     LLVMBuildFCmp(L->b, LLVMRealOLT, abs_b, f64c(L, INFINITY), ""), "");   /* q * inf: NaN */
    LLVMBasicBlockRef fast = LLVMAppendBasicBlockInContext(L->c, L->func, "fmod.fast");
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(L->c, L->func, "fmod.libm");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "fmod.join");
    cg_br_expect(L, fits, true, fast, slow);
    LLVMPositionBuilderAtEnd(L->b, fast);
    LLVMValueRef q = cg_intrinsic1(L, "llvm.trunc.f64", LLVMBuildFDiv(L->b, a, b, ""));
    LLVMTypeRef pt[3] = {L->f64, L->f64, L->f64};
    LLVMValueRef r = cg_call(L, "llvm.fma.f64", L->f64, pt, (LLVMValueRef[3]){LLVMBuildFNeg(L->b, q, ""), b, a}, 3);
    /* q one too far from zero: r's sign is not a's (and r is not 0); b's sign to a's side, added */
    LLVMValueRef toward = copysign_(L, abs_b, a);
    LLVMValueRef over = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealUNE, r, f64c(L, 0), ""),
                                     LLVMBuildXor(L->b, LLVMBuildFCmp(L->b, LLVMRealOLT, r, f64c(L, 0), ""),
                                                  LLVMBuildFCmp(L->b, LLVMRealOLT, a, f64c(L, 0), ""), ""), "");
    r = LLVMBuildSelect(L->b, over, LLVMBuildFAdd(L->b, r, toward, ""), r, "");
    /* q one short: |r| >= |b|, taken off */
    LLVMValueRef under = LLVMBuildFCmp(L->b, LLVMRealOGE, cg_intrinsic1(L, "llvm.fabs.f64", r), abs_b, "");
    r = LLVMBuildSelect(L->b, under, LLVMBuildFSub(L->b, r, toward, ""), r, "");
    r = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, r, f64c(L, 0), ""), copysign_(L, f64c(L, 0), a), r, "");
    LLVMBasicBlockRef fast_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, slow);
    LLVMValueRef rs = cg_call_f64_2(L, "fmod", a, b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_phi2(L, r, fast_end, rs, slow, "fmod");
}

static LLVMValueRef float_mod(Lower *L, LLVMValueRef a, LLVMValueRef b) {
    LLVMValueRef mod = cg_fmod(L, a, b);
    LLVMValueRef nonzero = LLVMBuildFCmp(L->b, LLVMRealUNE, mod, f64c(L, 0), "");
    LLVMValueRef bneg = LLVMBuildFCmp(L->b, LLVMRealOLT, b, f64c(L, 0), "");
    LLVMValueRef mneg = LLVMBuildFCmp(L->b, LLVMRealOLT, mod, f64c(L, 0), "");
    LLVMValueRef adjust = LLVMBuildAnd(L->b, nonzero, LLVMBuildXor(L->b, bneg, mneg, ""), "");
    LLVMValueRef adjusted = LLVMBuildSelect(L->b, adjust, LLVMBuildFAdd(L->b, mod, b, ""), mod, "");
    return LLVMBuildSelect(L->b, nonzero, adjusted, copysign_(L, f64c(L, 0), b), "");
}

static LLVMValueRef float_floordiv(Lower *L, LLVMValueRef a, LLVMValueRef b) {
    LLVMValueRef mod = cg_fmod(L, a, b);
    LLVMValueRef div = LLVMBuildFDiv(L->b, LLVMBuildFSub(L->b, a, mod, ""), b, "");
    LLVMValueRef nonzero = LLVMBuildFCmp(L->b, LLVMRealUNE, mod, f64c(L, 0), "");
    LLVMValueRef bneg = LLVMBuildFCmp(L->b, LLVMRealOLT, b, f64c(L, 0), "");
    LLVMValueRef mneg = LLVMBuildFCmp(L->b, LLVMRealOLT, mod, f64c(L, 0), "");
    LLVMValueRef adjust = LLVMBuildAnd(L->b, nonzero, LLVMBuildXor(L->b, bneg, mneg, ""), "");
    div = LLVMBuildSelect(L->b, adjust, LLVMBuildFSub(L->b, div, f64c(L, 1), ""), div, "");
    LLVMValueRef fl = cg_intrinsic1(L, "llvm.floor.f64", div);
    LLVMValueRef up = LLVMBuildFCmp(L->b, LLVMRealOGT, LLVMBuildFSub(L->b, div, fl, ""), f64c(L, 0.5), "");
    fl = LLVMBuildSelect(L->b, up, LLVMBuildFAdd(L->b, fl, f64c(L, 1), ""), fl, "");
    LLVMValueRef divnz = LLVMBuildFCmp(L->b, LLVMRealUNE, div, f64c(L, 0), "");
    return LLVMBuildSelect(L->b, divnz, fl, copysign_(L, f64c(L, 0), LLVMBuildFDiv(L->b, a, b, "")), "");
}

/* a // b as the error model says: where it divides as NumPy, x // 0.0 is x / 0.0 (inf or nan),
 * for the operator and divmod() alike; else CPython's floor division (b checked before). */
static LLVMValueRef float_floordiv_as_model(Lower *L, LLVMValueRef a, LLVMValueRef b) {
    if (!divides_as_numpy(L)) return float_floordiv(L, a, b);
    LLVMValueRef zero = LLVMBuildFCmp(L->b, LLVMRealOEQ, b, f64c(L, 0), "");
    return LLVMBuildSelect(L->b, zero, LLVMBuildFDiv(L->b, a, b, ""), float_floordiv(L, a, b), "");
}

/* ---- x ** n for an integer n, in double-double ------------------------------------------- *
 * pow(x, 3.0) is a libm call LLVM cannot vectorise cheaply (x ** 3 over an array: 7.8 us for 2000
 * elements, Numba's x * x * x 1.0). Numba multiplies, rounding at each step (a last bit that may
 * differ from CPython's pow). Here each power is a pair (h, l): h the plain product, l its error,
 * kept exactly by an fma and carried through the next products (not renormalised, so the
 * products' chain is as short as Numba's and the error terms run beside it). The result h + l is
 * the exact power rounded once: what a correctly rounded pow gives, but for a value within about
 * 2**-100 of a rounding boundary. Where the pair cannot hold the error (h + l not finite, or below
 * 2**-968 where the error terms underflow) the result is h, the plain product: inf, nan, zeros
 * and their signs as pow gives them, and subnormal results within an ulp. With fastmath=True
 * the error terms are left out: the plain products, Numba's code and speed. */
typedef struct { LLVMValueRef h, l; } DD;

static LLVMValueRef fma3(Lower *L, LLVMValueRef a, LLVMValueRef b, LLVMValueRef c) {
    LLVMTypeRef pt[3] = {L->f64, L->f64, L->f64};
    return cg_call(L, "llvm.fma.f64", L->f64, pt, (LLVMValueRef[3]){a, b, c}, 3);
}

static DD dd_mul(Lower *L, DD a, DD b) {
    LLVMValueRef h = LLVMBuildFMul(L->b, a.h, b.h, "");
    if (L->pow_f32) h = cg_f32_narrow(L, h);   /* float32's products: multiplied in float */
    if (L->fn->fastmath || L->pow_plain) return (DD){h, f64c(L, 0.0)};   /* the plain products, as Numba */
    LLVMValueRef l = fma3(L, a.h, b.h, LLVMBuildFNeg(L->b, h, ""));
    if (b.l) l = fma3(L, a.h, b.l, l);   /* the cross terms, each folded into an fma */
    if (a.l) l = fma3(L, a.l, b.h, l);
    return (DD){h, l};
}

/* v (the pair's value rounded) where the pair holds its error, else the plain value. */
static LLVMValueRef dd_result(Lower *L, LLVMValueRef v, LLVMValueRef plain) {
    LLVMValueRef m = cg_intrinsic1(L, "llvm.fabs.f64", v);
    LLVMValueRef ok = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOGE, m, f64c(L, 0x1p-968), ""),
                                   LLVMBuildFCmp(L->b, LLVMRealOLT, m, f64c(L, INFINITY), ""), "");
    return LLVMBuildSelect(L->b, ok, v, plain, "");
}

/* 1 / (h + l), corrected by one Newton step from the rounded reciprocal; 1 / h where the pair
 * cannot hold the error. */
static LLVMValueRef dd_reciprocal(Lower *L, DD r) {
    if (L->pow_plain) return LLVMBuildFDiv(L->b, f64c(L, 1.0), r.h, "");   /* Numba's 1.0 / r (the caller rounds a float32's) */
    LLVMValueRef one = f64c(L, 1.0), q = LLVMBuildFDiv(L->b, one, LLVMBuildFAdd(L->b, r.h, r.l, ""), "");
    LLVMValueRef rem = LLVMBuildFSub(L->b, fma3(L, LLVMBuildFNeg(L->b, q, ""), r.h, one), LLVMBuildFMul(L->b, q, r.l, ""), "");
    return dd_result(L, fma3(L, q, rem, q), LLVMBuildFDiv(L->b, one, r.h, ""));
}

/* x ** n, 2 <= |n| <= 64, unrolled square-and-multiply. */
static LLVMValueRef const_int_pow(Lower *L, LLVMValueRef x, long long n) {
    unsigned long long k = (unsigned long long)(n < 0 ? -n : n);
    DD base = {x, NULL}, r = {NULL, NULL};
    for (; k; k >>= 1) {
        if (k & 1) r = r.h ? dd_mul(L, r, base) : base;
        if (k > 1) base = dd_mul(L, base, base);
    }
    if (n < 0) return dd_reciprocal(L, r);
    if (L->pow_plain) return r.h;
    return dd_result(L, LLVMBuildFAdd(L->b, r.h, r.l, ""), r.h);
}

/* x ** n for an int variable n: the same square-and-multiply as a loop over n's bits, for
 * |n| <= 64 (plain products: 2**16, as Numba); pow beyond. */
static LLVMValueRef var_int_pow(Lower *L, LLVMValueRef x, LLVMValueRef n) {
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(L->c, L->func, "powi");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "powi.done");
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(L->c, L->func, "powi.slow");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "powi.join");
    LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, n, i64c(L, 0), "");
    LLVMValueRef k0 = LLVMBuildSelect(L->b, neg, LLVMBuildNeg(L->b, n, ""), n, "");
    long long most = L->pow_plain ? 0x10000 : 64;   /* (Numba multiplies up to 2**16) */
    LLVMValueRef small = LLVMBuildICmp(L->b, LLVMIntULE, LLVMBuildAdd(L->b, n, i64c(L, most), ""), i64c(L, 2 * most), "");
    LLVMBuildCondBr(L->b, small, loop, slow);
    LLVMPositionBuilderAtEnd(L->b, loop);
    LLVMValueRef one = f64c(L, 1.0), zero = f64c(L, 0.0);
    const char *names[5] = {"k", "rh", "rl", "bh", "bl"};
    LLVMValueRef ph[5], init[5] = {k0, one, zero, x, zero};
    for (int i = 0; i < 5; i++) ph[i] = LLVMBuildPhi(L->b, i ? L->f64 : L->i64, names[i]);
    LLVMValueRef odd = LLVMBuildTrunc(L->b, ph[0], L->i1, "");
    DD r = {ph[1], ph[2]}, base = {ph[3], ph[4]};
    DD m = dd_mul(L, r, base), sq = dd_mul(L, base, base);
    LLVMValueRef next[5] = {LLVMBuildLShr(L->b, ph[0], i64c(L, 1), ""), LLVMBuildSelect(L->b, odd, m.h, r.h, ""),
                            LLVMBuildSelect(L->b, odd, m.l, r.l, ""), sq.h, sq.l};
    LLVMBasicBlockRef body_end = LLVMGetInsertBlock(L->b);
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntUGT, ph[0], i64c(L, 1), ""), loop, done);
    for (int i = 0; i < 5; i++) {
        LLVMValueRef in[2] = {init[i], next[i]};
        LLVMBasicBlockRef from[2] = {pre, body_end};
        LLVMAddIncoming(ph[i], in, from, 2);
    }
    LLVMPositionBuilderAtEnd(L->b, done);   /* k was 1 or 0: r holds x ** |n| (1 for n = 0) */
    DD res = {next[1], next[2]};
    LLVMValueRef pos = L->pow_plain ? res.h : dd_result(L, LLVMBuildFAdd(L->b, res.h, res.l, ""), res.h), inv = dd_reciprocal(L, res);
    LLVMValueRef fast = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 0), ""), one,
                                        LLVMBuildSelect(L->b, neg, inv, pos, ""), "");
    LLVMBasicBlockRef done_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, slow);
    LLVMValueRef p = cg_math_call(L, "llvm.pow.f64", (LLVMValueRef[2]){x, LLVMBuildSIToFP(L->b, n, L->f64, "")}, 2);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_phi2(L, fast, done_end, p, slow, "powi");
}

/* x ** n for an int variable n: a switch on the small n (-4 to 8, each unrolled as a constant
 * one; in a loop n rarely changes, so the branch is predicted and the case's products pipeline
 * across trips), the loop for the others. */
static LLVMValueRef switch_int_pow(Lower *L, LLVMValueRef x, LLVMValueRef n) {
    enum { LO = -4, HI = 8 };
    LLVMBasicBlockRef other = LLVMAppendBasicBlockInContext(L->c, L->func, "powi.other");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "powi.join");
    LLVMValueRef sw = LLVMBuildSwitch(L->b, n, other, HI - LO + 1);
    LLVMValueRef phi;
    LLVMValueRef vals[HI - LO + 2];
    LLVMBasicBlockRef from[HI - LO + 2];
    int k = 0;
    for (long long e = LO; e <= HI; e++) {
        LLVMBasicBlockRef c = LLVMAppendBasicBlockInContext(L->c, L->func, "powi.case");
        LLVMAddCase(sw, LLVMConstInt(L->i64, (unsigned long long)e, 1), c);
        LLVMPositionBuilderAtEnd(L->b, c);
        vals[k] = e == 0 ? f64c(L, 1.0) : e == 1 ? x : e == -1 ? LLVMBuildFDiv(L->b, f64c(L, 1.0), x, "")
                 : e == 2 ? LLVMBuildFMul(L->b, x, x, "") : const_int_pow(L, x, e);
        from[k++] = LLVMGetInsertBlock(L->b);
        LLVMBuildBr(L->b, join);
    }
    LLVMPositionBuilderAtEnd(L->b, other);
    vals[k] = var_int_pow(L, x, n);
    from[k++] = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    phi = LLVMBuildPhi(L->b, L->f64, "powi");
    LLVMAddIncoming(phi, vals, from, (unsigned)k);
    return phi;
}

static LLVMValueRef float_pow_of(Lower *L, LLVMValueRef a, LLVMValueRef b, bool int_exp);

/* x ** e for a constant e = +-(n + 0.5) under fastmath=True: sqrt(x) times x ** n (plain
 * products), one over that for a negative e, as Numba's fastmath lets LLVM rewrite pow (an
 * n-body force's r2 ** -1.5 called libmvec's pow: 4-6.6x Numba's time). Zeros and infinities
 * stay pow's: the powers are of |x| (-0.0 ** -1.5 is +inf) and |sqrt(-0.0)| is +0.0, and -inf,
 * whose sqrt is NaN, gives inf or 0 as pow does. */
static LLVMValueRef half_int_pow(Lower *L, LLVMValueRef x, double e) {
    long long n = (long long)floor(fabs(e));
    LLVMValueRef r = cg_intrinsic1(L, "llvm.fabs.f64", cg_intrinsic1(L, "llvm.sqrt.f64", x));
    LLVMValueRef ax = cg_intrinsic1(L, "llvm.fabs.f64", x);   /* (a negative x's sqrt is NaN already) */
    if (n) r = LLVMBuildFMul(L->b, n == 1 ? ax : const_int_pow(L, ax, n), r, "");
    if (e < 0) r = LLVMBuildFDiv(L->b, f64c(L, 1.0), r, "");
    LLVMValueRef ninf = LLVMBuildFCmp(L->b, LLVMRealOEQ, x, f64c(L, -INFINITY), "");
    return LLVMBuildSelect(L->b, ninf, f64c(L, e > 0 ? INFINITY : 0.0), r, "");
}

/* a ** b of floats; int_exp: b was an int. An int power multiplies as Numba does, in scalar and
 * array code (plain products, each rounded, a float32's in float32: Numba's bits, and array code
 * as fast as a * a * a; float32 arrays called pow: 18x Numba's time for a ** 3). */
static LLVMValueRef float_pow(Lower *L, LLVMValueRef a, LLVMValueRef b, bool int_exp, bool f32) {
    L->pow_plain = int_exp;
    L->pow_f32 = L->pow_plain && f32;   /* x32 ** 3: Numba's x * x * x in float32 */
    LLVMValueRef r = float_pow_of(L, a, b, int_exp);
    L->pow_plain = L->pow_f32 = false;
    return r;
}

static LLVMValueRef float_pow_of(Lower *L, LLVMValueRef a, LLVMValueRef b, bool int_exp) {
    bool safe = LLVMIsAConstantFP(b) && !LLVMIsUndef(b);
    if (safe) {
        LLVMBool lossy;
        safe = LLVMConstRealGetDouble(b, &lossy) >= 0;
    }
    if (!safe && int_exp && !divides_as_numpy(L)) {
        /* 0.0 ** -n raises, as in CPython and Numba (which divides 1 by 0.0 ** n); a float exponent
         * gives pow's inf, as Numba's (0.0 ** -1.5 of coincident particles, umap's densMAP);
         * 0.0 ** -inf is inf */
        LLVMValueRef neg = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOLT, b, f64c(L, 0), ""),
                                        LLVMBuildFCmp(L->b, LLVMRealOGT, b, f64c(L, -INFINITY), ""), "");
        LLVMValueRef bad = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, a, f64c(L, 0), ""), neg, "");
        cg_raise_if(L, bad, "builtins:ZeroDivisionError", "0.0 cannot be raised to a negative power");
    }
    LLVMBool lossy;
    double e = LLVMIsAConstantFP(b) && !LLVMIsUndef(b) ? LLVMConstRealGetDouble(b, &lossy) : 0.5;
    double most = L->pow_plain ? 0x10000 : 64;
    if (e == (double)(long long)e && (e >= 3 || e <= -2) && e >= -most && e <= most) return const_int_pow(L, a, (long long)e);
    if (LLVMIsASIToFPInst(b) && LLVMTypeOf(LLVMGetOperand(b, 0)) == L->i64) return switch_int_pow(L, a, LLVMGetOperand(b, 0));
    if (L->fn->fastmath && LLVMIsAConstantFP(b) && e - floor(e) == 0.5 && fabs(e) <= 32.5) return half_int_pow(L, a, e);
    return cg_math_call(L, "llvm.pow.f64", (LLVMValueRef[2]){a, b}, 2);
}

/* ---- complex ----------------------------------------------------------------------- */
static LLVMValueRef re_(Lower *L, LLVMValueRef z) { return LLVMBuildExtractValue(L->b, z, 0, ""); }
static LLVMValueRef im_(Lower *L, LLVMValueRef z) { return LLVMBuildExtractValue(L->b, z, 1, ""); }

static LLVMValueRef mk_complex(Lower *L, LLVMValueRef re, LLVMValueRef im) {
    LLVMValueRef v = LLVMGetUndef(L->c128);
    v = LLVMBuildInsertValue(L->b, v, re, 0, "");
    return LLVMBuildInsertValue(L->b, v, im, 1, "");
}

static LLVMValueRef complex_rt(Lower *L, const char *name, LLVMValueRef a, LLVMValueRef b) {
    LLVMTypeRef pt[4] = {L->f64, L->f64, L->f64, L->f64};
    LLVMValueRef args[4] = {re_(L, a), im_(L, a), re_(L, b), im_(L, b)};
    return cg_rt_status_call(L, name, L->c128, pt, args, 4);
}

/* a / b as NumPy's complex loop divides (Smith's method with a reciprocal; a zero b gives inf or
 * nan, never ZeroDivisionError): bit-equal to NumPy, and branch-free so array loops vectorise.
 * With p the part of b larger in magnitude and q the other, rat = q/p, scl = 1/(p + q*rat);
 * |re b| >= |im b|: ((ar + ai*rat)*scl, (ai - ar*rat)*scl), else ((ai + ar*rat)*scl,
 * (ai*rat - ar)*scl), the same sums with the parts of a swapped. */
/* |x| in x's float type (float or double) */
static LLVMValueRef fabs_of(Lower *L, LLVMValueRef x) {
    LLVMTypeRef t = LLVMTypeOf(x);
    return cg_call(L, t == L->f64 ? "llvm.fabs.f64" : "llvm.fabs.f32", t, &t, &x, 1);
}

/* Parts in t's width: a complex64 value's parts as floats, a complex128's as they are. */
static LLVMValueRef part_in(Lower *L, LLVMValueRef z, unsigned k, LLVMTypeRef t) {
    LLVMValueRef v = LLVMBuildExtractValue(L->b, z, k, "");
    return t == L->f64 ? v : LLVMBuildFPTrunc(L->b, v, t, "");
}

static LLVMValueRef complex_from(Lower *L, LLVMValueRef re, LLVMValueRef im) {
    if (LLVMTypeOf(re) != L->f64) {
        re = LLVMBuildFPExt(L->b, re, L->f64, "");
        im = LLVMBuildFPExt(L->b, im, L->f64, "");
    }
    return mk_complex(L, re, im);
}

static LLVMValueRef complex_div_numpy(Lower *L, LLVMValueRef ar, LLVMValueRef ai, LLVMValueRef br, LLVMValueRef bi) {
    LLVMTypeRef t = LLVMTypeOf(ar);   /* double, or float for complex64: each step in its width */
    LLVMValueRef abr = fabs_of(L, br), abi = fabs_of(L, bi);
    LLVMValueRef real_big = LLVMBuildFCmp(L->b, LLVMRealOGE, abr, abi, "");
    LLVMValueRef p = LLVMBuildSelect(L->b, real_big, br, bi, ""), q = LLVMBuildSelect(L->b, real_big, bi, br, "");
    LLVMValueRef u = LLVMBuildSelect(L->b, real_big, ar, ai, ""), v = LLVMBuildSelect(L->b, real_big, ai, ar, "");
    LLVMValueRef rat = LLVMBuildFDiv(L->b, q, p, "");
    LLVMValueRef scl = LLVMBuildFDiv(L->b, LLVMConstReal(t, 1), LLVMBuildFAdd(L->b, p, LLVMBuildFMul(L->b, q, rat, ""), ""), "");
    LLVMValueRef re = LLVMBuildFMul(L->b, LLVMBuildFAdd(L->b, u, LLVMBuildFMul(L->b, v, rat, ""), ""), scl, "");
    LLVMValueRef ur = LLVMBuildFMul(L->b, u, rat, "");   /* (v - u*rat) or, swapped, (u*rat - v): a zero keeps NumPy's sign */
    LLVMValueRef d = LLVMBuildSelect(L->b, real_big, LLVMBuildFSub(L->b, v, ur, ""), LLVMBuildFSub(L->b, ur, v, ""), "");
    LLVMValueRef im = LLVMBuildFMul(L->b, d, scl, "");
    LLVMValueRef zero = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, abr, LLVMConstReal(t, 0), ""),
                                     LLVMBuildFCmp(L->b, LLVMRealOEQ, abi, LLVMConstReal(t, 0), ""), "");
    re = LLVMBuildSelect(L->b, zero, LLVMBuildFDiv(L->b, ar, abr, ""), re, "");
    im = LLVMBuildSelect(L->b, zero, LLVMBuildFDiv(L->b, ai, abr, ""), im, "");
    return complex_from(L, re, im);
}

/* a / b of complex values in dtype dt's width (complex64 in float), as NumPy's loop divides. */
LLVMValueRef cg_complex_div(Lower *L, LLVMValueRef a, LLVMValueRef b, int dt) {
    LLVMTypeRef t = dt == DT_COMPLEX64 ? LLVMFloatTypeInContext(L->c) : L->f64;
    return complex_div_numpy(L, part_in(L, a, 0, t), part_in(L, a, 1, t), part_in(L, b, 0, t), part_in(L, b, 1, t));
}

/* 1 / z as NumPy's reciprocal loop: with |im| <= |re|, r = im/re, d = re + im*r: (1/d, -r/d),
 * else the parts swapped; in dtype dt's width. */
LLVMValueRef cg_complex_reciprocal(Lower *L, LLVMValueRef z, int dt) {
    LLVMTypeRef t = dt == DT_COMPLEX64 ? LLVMFloatTypeInContext(L->c) : L->f64;
    LLVMValueRef ar = part_in(L, z, 0, t), ai = part_in(L, z, 1, t);
    LLVMValueRef re_big = LLVMBuildFCmp(L->b, LLVMRealOLE, fabs_of(L, ai), fabs_of(L, ar), "");
    LLVMValueRef p = LLVMBuildSelect(L->b, re_big, ar, ai, ""), q = LLVMBuildSelect(L->b, re_big, ai, ar, "");
    LLVMValueRef rat = LLVMBuildFDiv(L->b, q, p, "");
    LLVMValueRef d = LLVMBuildFAdd(L->b, p, LLVMBuildFMul(L->b, q, rat, ""), "");
    LLVMValueRef one = LLVMBuildFDiv(L->b, LLVMConstReal(t, 1), d, ""), rd = LLVMBuildFDiv(L->b, rat, d, "");
    return complex_from(L, LLVMBuildSelect(L->b, re_big, one, rd, ""), LLVMBuildFNeg(L->b, LLVMBuildSelect(L->b, re_big, rd, one, ""), ""));
}

/* |re + im j| as NumPy's np.abs: no overflow or underflow in between (parts scaled by a power of
 * two when the larger is beyond 2**+-500), inf when either part is infinite (even with a NaN),
 * within 1 ulp of the exact value; branch-free so array loops vectorise (libm's hypot does not). */
LLVMValueRef cg_complex_abs(Lower *L, LLVMValueRef re, LLVMValueRef im) {
    LLVMValueRef ax = cg_intrinsic1(L, "llvm.fabs.f64", re), ay = cg_intrinsic1(L, "llvm.fabs.f64", im);
    LLVMValueRef hi = cg_call_f64_2(L, "llvm.maxnum.f64", ax, ay);
    LLVMValueRef big = LLVMBuildFCmp(L->b, LLVMRealOGT, hi, f64c(L, 0x1p500), "");
    LLVMValueRef small = LLVMBuildFCmp(L->b, LLVMRealOLT, hi, f64c(L, 0x1p-500), "");
    LLVMValueRef s = LLVMBuildSelect(L->b, big, f64c(L, 0x1p-600), LLVMBuildSelect(L->b, small, f64c(L, 0x1p600), f64c(L, 1), ""), "");
    LLVMValueRef unscale = LLVMBuildSelect(L->b, big, f64c(L, 0x1p600), LLVMBuildSelect(L->b, small, f64c(L, 0x1p-600), f64c(L, 1), ""), "");
    LLVMValueRef xs = LLVMBuildFMul(L->b, ax, s, ""), ys = LLVMBuildFMul(L->b, ay, s, "");
    LLVMTypeRef t3[3] = {L->f64, L->f64, L->f64};
    LLVMValueRef fa[3] = {xs, xs, LLVMBuildFMul(L->b, ys, ys, "")};
    LLVMValueRef r = cg_intrinsic1(L, "llvm.sqrt.f64", cg_call(L, "llvm.fma.f64", L->f64, t3, fa, 3));
    r = LLVMBuildFMul(L->b, r, unscale, "");
    LLVMValueRef inf = LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, ax, f64c(L, INFINITY), ""),
                                   LLVMBuildFCmp(L->b, LLVMRealOEQ, ay, f64c(L, INFINITY), ""), "");
    return LLVMBuildSelect(L->b, inf, f64c(L, INFINITY), r, "");
}

static LLVMValueRef cmul(Lower *L, LLVMValueRef a, LLVMValueRef b) {
    LLVMValueRef ar = re_(L, a), ai = im_(L, a), br = re_(L, b), bi = im_(L, b);
    return mk_complex(L, LLVMBuildFSub(L->b, LLVMBuildFMul(L->b, ar, br, ""), LLVMBuildFMul(L->b, ai, bi, ""), ""),
                      LLVMBuildFAdd(L->b, LLVMBuildFMul(L->b, ar, bi, ""), LLVMBuildFMul(L->b, ai, br, ""), ""));
}

/* The integer n when b is a constant complex n + 0j with |n| < 100, as NumPy's power loop tests
 * for its repeated-multiplication path. */
static bool small_int_power(LLVMValueRef b, int *n) {
    if (!LLVMIsAConstant(b)) return false;
    LLVMValueRef re = LLVMGetAggregateElement(b, 0), im = LLVMGetAggregateElement(b, 1);
    if (!re || !im || !LLVMIsAConstantFP(re) || !LLVMIsAConstantFP(im)) return false;
    LLVMBool lossy;
    double r = LLVMConstRealGetDouble(re, &lossy), i = LLVMConstRealGetDouble(im, &lossy);
    if (i != 0.0 || !(r > -100 && r < 100) || r != (double)(int)r) return false;
    *n = (int)r;
    return true;
}

/* r * a ** m (m >= 1) by repeated squaring, the low bits first; r NULL: a ** m with the first
 * factor taken as it is (NumPy's loop), r = 1 + 0j: CPython's products, 1 * factor included. */
static LLVMValueRef complex_square_multiply(Lower *L, LLVMValueRef r, LLVMValueRef a, int m) {
    LLVMValueRef p = a;
    for (int mask = 1; mask <= m; mask <<= 1) {
        if (m & mask) r = r ? cmul(L, r, p) : p;
        if ((mask << 1) <= m) p = cmul(L, p, p);
    }
    return r;
}

/* a ** n for a constant integer n (|n| < 100) in array code, as NumPy's complex power: n == 2 and
 * n == -1 are NumPy's square (the real part through one fma, as its vector loop) and reciprocal,
 * otherwise repeated squaring unrolled here, a negative n the quotient 1 / that; 0j ** n is 0 for
 * n > 0, nan+nanj for n < 0. */
static LLVMValueRef complex_pow_int(Lower *L, LLVMValueRef a, int n) {
    if (n == 0) return mk_complex(L, f64c(L, 1), f64c(L, 0));
    LLVMValueRef ar = re_(L, a), ai = im_(L, a), r;
    int m = n < 0 ? -n : n;
    if (n == -1) return cg_complex_reciprocal(L, a, DT_COMPLEX128);   /* NumPy's reciprocal */
    if (n == 2) {
        LLVMTypeRef t3[3] = {L->f64, L->f64, L->f64};
        LLVMValueRef fa[3] = {ar, ar, LLVMBuildFNeg(L->b, LLVMBuildFMul(L->b, ai, ai, ""), "")};
        r = mk_complex(L, cg_call(L, "llvm.fma.f64", L->f64, t3, fa, 3),
                       LLVMBuildFAdd(L->b, LLVMBuildFMul(L->b, ar, ai, ""), LLVMBuildFMul(L->b, ai, ar, ""), ""));
    } else {
        r = complex_square_multiply(L, NULL, a, m);
    }
    if (n < 0) r = complex_div_numpy(L, f64c(L, 1), f64c(L, 0), re_(L, r), im_(L, r));
    LLVMValueRef zero = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, ar, f64c(L, 0), ""),
                                     LLVMBuildFCmp(L->b, LLVMRealOEQ, ai, f64c(L, 0), ""), "");
    LLVMValueRef z = f64c(L, n > 0 ? 0.0 : NAN);
    return LLVMBuildSelect(L->b, zero, mk_complex(L, z, z), r, "");
}

/* a ** n for a constant integer 1 <= n < 100 in Python code, as CPython's complex power computes
 * it (repeated squaring from 1 + 0j, the low bits first, zeros' signs included; an infinite part
 * raises OverflowError): the same products in the same order, so the same bits, without the runtime
 * call (z ** 2 in a loop: 2x Numba's time). */
static LLVMValueRef complex_powu(Lower *L, LLVMValueRef a, int n) {
    LLVMValueRef r = complex_square_multiply(L, mk_complex(L, f64c(L, 1), f64c(L, 0)), a, n);
    LLVMValueRef inf = f64c(L, INFINITY);   /* CPython: an infinite part is an overflow */
    cg_raise_if(L, LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, cg_intrinsic1(L, "llvm.fabs.f64", re_(L, r)), inf, ""),
                               LLVMBuildFCmp(L->b, LLVMRealOEQ, cg_intrinsic1(L, "llvm.fabs.f64", im_(L, r)), inf, ""), ""),
                "builtins:OverflowError", "complex exponentiation");
    return r;
}

/* a ** b of a complex64 for a constant integer b = n + 0j with |n| < 100 as NumPy's complex64
 * power loop computes it, in float with every product rounded as its scalar multiply: n = 1, 2, 3
 * unrolled (a * a, a * (a * a)), else repeated squaring from 1, and for n < 0 one over that;
 * 0j ** n is 0 for n > 0, nan+nanj for n < 0. NULL when b is no such constant. */
LLVMValueRef cg_c64_power(Lower *L, LLVMValueRef a, LLVMValueRef b) {
    int n;
    if (!small_int_power(b, &n)) return NULL;
    if (n == 0) return mk_complex(L, f64c(L, 1), f64c(L, 0));
    LLVMValueRef r = mk_complex(L, f64c(L, 1), f64c(L, 0)), p = a;
    if (n == 1) r = a;
    else if (n == 2) r = cg_c64_mul_scalar(L, a, a);
    else if (n == 3) r = cg_c64_mul_scalar(L, a, cg_c64_mul_scalar(L, a, a));
    else {
        int m = n < 0 ? -n : n;
        for (int mask = 1;; mask <<= 1) {
            if (m & mask) r = cg_c64_mul_scalar(L, r, p);
            if (m < (mask << 1)) break;
            p = cg_c64_mul_scalar(L, p, p);
        }
        if (n < 0) r = cg_complex_div(L, mk_complex(L, f64c(L, 1), f64c(L, 0)), r, DT_COMPLEX64);
    }
    LLVMValueRef zero = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, re_(L, a), f64c(L, 0), ""),
                                     LLVMBuildFCmp(L->b, LLVMRealOEQ, im_(L, a), f64c(L, 0), ""), "");
    LLVMValueRef z = f64c(L, n > 0 ? 0.0 : NAN);
    return LLVMBuildSelect(L->b, zero, mk_complex(L, z, z), r, "");
}

/* (each operation of a complex64's division rounded to float32: the float operation's result) */
#define F32_OP(f32, v) ((f32) ? cg_f32_narrow(L, (v)) : (v))

/* a / b as CPython's complex division (_Py_c_quot, runtime/error.c's cquot), inline: both of its
 * branches computed and one selected, a zero b ZeroDivisionError. A runtime call per division
 * kept a DFT's inner loop (x[t] * np.exp(-2j * np.pi * k * t / n)) at 1.38x numba. f32: a
 * complex64's, each operation in float32 as Numba's. */
static LLVMValueRef complex_div_python(Lower *L, LLVMValueRef ar, LLVMValueRef ai, LLVMValueRef br, LLVMValueRef bi, bool f32) {
    LLVMValueRef abr = fabs_of(L, br), abi = fabs_of(L, bi);
    LLVMValueRef real_big = LLVMBuildFCmp(L->b, LLVMRealOGE, abr, abi, ""), imag_big = LLVMBuildFCmp(L->b, LLVMRealOGE, abi, abr, "");
    cg_raise_if(L, LLVMBuildAnd(L->b, real_big, LLVMBuildFCmp(L->b, LLVMRealOEQ, abr, f64c(L, 0), ""), ""),
                "builtins:ZeroDivisionError", "complex division by zero");
    LLVMValueRef r1 = F32_OP(f32, LLVMBuildFDiv(L->b, bi, br, ""));
    LLVMValueRef d1 = F32_OP(f32, LLVMBuildFAdd(L->b, br, F32_OP(f32, LLVMBuildFMul(L->b, bi, r1, "")), ""));
    LLVMValueRef re1 = F32_OP(f32, LLVMBuildFDiv(L->b, F32_OP(f32, LLVMBuildFAdd(L->b, ar, F32_OP(f32, LLVMBuildFMul(L->b, ai, r1, "")), "")), d1, ""));
    LLVMValueRef im1 = F32_OP(f32, LLVMBuildFDiv(L->b, F32_OP(f32, LLVMBuildFSub(L->b, ai, F32_OP(f32, LLVMBuildFMul(L->b, ar, r1, "")), "")), d1, ""));
    LLVMValueRef r2 = F32_OP(f32, LLVMBuildFDiv(L->b, br, bi, ""));
    LLVMValueRef d2 = F32_OP(f32, LLVMBuildFAdd(L->b, F32_OP(f32, LLVMBuildFMul(L->b, br, r2, "")), bi, ""));
    LLVMValueRef re2 = F32_OP(f32, LLVMBuildFDiv(L->b, F32_OP(f32, LLVMBuildFAdd(L->b, F32_OP(f32, LLVMBuildFMul(L->b, ar, r2, "")), ai, "")), d2, ""));
    LLVMValueRef im2 = F32_OP(f32, LLVMBuildFDiv(L->b, F32_OP(f32, LLVMBuildFSub(L->b, F32_OP(f32, LLVMBuildFMul(L->b, ai, r2, "")), ar, "")), d2, ""));
    LLVMValueRef nan = f64c(L, NAN);   /* a NaN part of b: neither test holds */
    LLVMValueRef re = LLVMBuildSelect(L->b, real_big, re1, LLVMBuildSelect(L->b, imag_big, re2, nan, ""), "");
    LLVMValueRef im = LLVMBuildSelect(L->b, real_big, im1, LLVMBuildSelect(L->b, imag_big, im2, nan, ""), "");
    return mk_complex(L, re, im);
}

#undef F32_OP

static LLVMValueRef complex_binop(Lower *L, int op, LLVMValueRef a, LLVMValueRef b) {
    LLVMValueRef ar = re_(L, a), ai = im_(L, a), br = re_(L, b), bi = im_(L, b);
    switch (op) {
    case IRB_ADD: return mk_complex(L, LLVMBuildFAdd(L->b, ar, br, ""), LLVMBuildFAdd(L->b, ai, bi, ""));
    case IRB_SUB: return mk_complex(L, LLVMBuildFSub(L->b, ar, br, ""), LLVMBuildFSub(L->b, ai, bi, ""));
    case IRB_MUL: return cmul(L, a, b);
    case IRB_TRUEDIV:
        if (L->numpy_sem) return complex_div_numpy(L, ar, ai, br, bi);
        return complex_div_python(L, ar, ai, br, bi, false);
    case IRB_POW: {
        int n;
        if (L->numpy_sem && small_int_power(b, &n)) return complex_pow_int(L, a, n);
        if (!L->numpy_sem && small_int_power(b, &n) && n > 0) return complex_powu(L, a, n);
        if (L->numpy_sem) {   /* NumPy: 0 to a complex or negative power is NaN, not an error */
            LLVMValueRef slot = cg_entry_alloca(L, L->c128, "cx");
            LLVMTypeRef pt[5] = {L->ptr, L->f64, L->f64, L->f64, L->f64};
            LLVMValueRef args[5] = {slot, re_(L, a), im_(L, a), re_(L, b), im_(L, b)};
            cg_call(L, "ember_rt_c_power", L->voidt, pt, args, 5);
            return LLVMBuildLoad2(L->b, L->c128, slot, "");
        }
        return complex_rt(L, "ember_rt_cpow", a, b);
    }
    }
    return NULL;
}

LLVMValueRef cg_binop(Lower *L, int op, LLVMValueRef a, LLVMValueRef b, const Type *t, Instr *in) {
    if (t == ty_bool) {
        if (op == IRB_AND) return LLVMBuildAnd(L->b, a, b, "");
        if (op == IRB_OR) return LLVMBuildOr(L->b, a, b, "");
        if (op == IRB_XOR) return LLVMBuildXor(L->b, a, b, "");
    } else if (ty_is_int(t)) {
        /* int64 carries nsw, as Numba: the machine wraps, and the optimiser may assume no signed
         * overflow, which lets it prove loop counters positive (dropping zero checks, using
         * unsigned division). uint64 wraps modulo 2**64, as NumPy. */
        bool u = t == ty_uint64;
        LLVMValueRef narrow = cg_narrow_binop(L, in, op, a, b);   /* ranges prove 16/32 bits exact (uint64 too) */
        if (narrow) return narrow;
        switch (op) {
        case IRB_ADD: return u ? LLVMBuildAdd(L->b, a, b, "") : LLVMBuildNSWAdd(L->b, a, b, "");
        case IRB_SUB: return u ? LLVMBuildSub(L->b, a, b, "") : LLVMBuildNSWSub(L->b, a, b, "");
        case IRB_MUL: return u ? LLVMBuildMul(L->b, a, b, "") : LLVMBuildNSWMul(L->b, a, b, "");
        case IRB_FLOORDIV: case IRB_MOD: {
            bool want_mod = op == IRB_MOD;
            if (u) return uint_div_mod(L, a, b, want_mod);
            LLVMValueRef near = want_mod && in && !LLVMIsAConstantInt(b) ? mod_of_neighbour(L, in, b) : NULL;
            if (near) return near;
            if (want_mod && in && !LLVMIsAConstantInt(b) && cg_in_loop(L->fn, in->block) && !cg_mod_divides(L, in->block, in->args[0]) &&
                may_step(L, in->args[0], 0))
                return int_mod_along_run(L, a, b, in);
            return int_div_mod(L, a, b, want_mod, in);
        }
        case IRB_POW: return int_pow(L, u, a, b);
        case IRB_LSHIFT: return int_shift(L, true, u, a, b);
        case IRB_RSHIFT: return int_shift(L, false, u, a, b);
        case IRB_AND: return LLVMBuildAnd(L->b, a, b, "");
        case IRB_OR: return LLVMBuildOr(L->b, a, b, "");
        case IRB_XOR: return LLVMBuildXor(L->b, a, b, "");
        }
    } else if (t == ty_float64) {
        switch (op) {
        case IRB_ADD: return LLVMBuildFAdd(L->b, a, b, "");
        case IRB_SUB: return LLVMBuildFSub(L->b, a, b, "");
        case IRB_MUL: return LLVMBuildFMul(L->b, a, b, "");
        case IRB_TRUEDIV: {   /* int / int says only "division by zero" in CPython */
            const Type *t0 = in && in->op == IR_BINOP ? L->ti->vtypes[in->args[0]] : NULL;
            const Type *t1 = t0 ? L->ti->vtypes[in->args[1]] : NULL;
            bool ints = t0 && (ty_is_int(t0) || t0 == ty_bool) && (ty_is_int(t1) || t1 == ty_bool);
            float_zero_check(L, b, ints ? "division by zero" : "float division by zero");
            return LLVMBuildFDiv(L->b, a, b, "");
        }
        case IRB_FLOORDIV:
            float_zero_check(L, b, "float floor division by zero");
            return float_floordiv_as_model(L, a, b);
        case IRB_MOD:
            float_zero_check(L, b, "float modulo");
            return float_mod(L, a, b);
        case IRB_POW: return float_pow(L, a, b, in && ty_is_int(L->ti->vtypes[in->args[1]]), in && (cg_f32_scalar(L, in) || L->f32_elems));
        }
    } else if (t == ty_complex128) {
        if (op == IRB_MUL && in && cg_c64_scalar(L, in)) return cg_c64_mul_scalar(L, a, b);   /* complex64: in float, as Numba */
        if (op == IRB_TRUEDIV && in && cg_c64_scalar(L, in) && !L->numpy_sem)
            return complex_div_python(L, re_(L, a), im_(L, a), re_(L, b), im_(L, b), true);
        return complex_binop(L, op, a, b);
    }
    return NULL;
}

LLVMValueRef cg_unop(Lower *L, int op, LLVMValueRef a, const Type *at, const Type *t) {
    (void)at;
    if (op == IRU_POS) return a;
    if (t == ty_bool) return op == IRU_INVERT ? LLVMBuildNot(L->b, a, "") : NULL;   /* ~ of an np.bool_ */
    if (ty_is_int(t)) return op == IRU_NEG ? LLVMBuildSub(L->b, i64c(L, 0), a, "") : LLVMBuildXor(L->b, a, i64c(L, -1), "");
    if (t == ty_float64) return LLVMBuildFNeg(L->b, a, "");
    if (t == ty_complex128) return mk_complex(L, LLVMBuildFNeg(L->b, re_(L, a), ""), LLVMBuildFNeg(L->b, im_(L, a), ""));
    return NULL;
}

LLVMValueRef cg_cmp(Lower *L, int op, LLVMValueRef a, LLVMValueRef b, const Type *t) {
    static const LLVMIntPredicate ip[6] = {LLVMIntSLT, LLVMIntSLE, LLVMIntEQ, LLVMIntNE, LLVMIntSGT, LLVMIntSGE};
    static const LLVMRealPredicate fp[6] = {LLVMRealOLT, LLVMRealOLE, LLVMRealOEQ, LLVMRealUNE, LLVMRealOGT, LLVMRealOGE};
    static const LLVMIntPredicate up[6] = {LLVMIntULT, LLVMIntULE, LLVMIntEQ, LLVMIntNE, LLVMIntUGT, LLVMIntUGE};
    if (t == ty_int64) return LLVMBuildICmp(L->b, ip[op], a, b, "");
    if (t == ty_bool || t == ty_uint64) return LLVMBuildICmp(L->b, up[op], a, b, "");   /* an i1 True is 1, not -1 */
    if (t == ty_float64) return LLVMBuildFCmp(L->b, fp[op], a, b, "");
    if (op == IRC_EQ || op == IRC_NE) {
        LLVMValueRef re = LLVMBuildFCmp(L->b, fp[op], re_(L, a), re_(L, b), "");
        LLVMValueRef im = LLVMBuildFCmp(L->b, fp[op], im_(L, a), im_(L, b), "");
        return op == IRC_EQ ? LLVMBuildAnd(L->b, re, im, "") : LLVMBuildOr(L->b, re, im, "");
    }
    /* NumPy orders complex arrays lexicographically: a < b when re a < re b (neither imaginary
     * part NaN) or the real parts are equal and im a < im b; <=, >, >= alike */
    static const LLVMRealPredicate strict[6] = {LLVMRealOLT, LLVMRealOLT, 0, 0, LLVMRealOGT, LLVMRealOGT};
    LLVMValueRef ai = im_(L, a), bi = im_(L, b);
    LLVMValueRef no_nan = LLVMBuildFCmp(L->b, LLVMRealORD, ai, bi, "");
    LLVMValueRef first = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, strict[op], re_(L, a), re_(L, b), ""), no_nan, "");
    LLVMValueRef tie = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, re_(L, a), re_(L, b), ""),
                                    LLVMBuildFCmp(L->b, fp[op], ai, bi, ""), "");
    return LLVMBuildOr(L->b, first, tie, "");
}

/* i op f for an int64 i and a float f, exactly as CPython compares them (an int beyond 2**53
 * is not rounded to the float first: 2**53 + 1 > 2.0**53). Let fl be i rounded to a float: no
 * float lies strictly between i and fl, so i op f is one float comparison of f with fl, or with
 * the float next to fl on i's side where fl was rounded away from i:
 *
 *     i < f    f > c     c = fl rounded up ? the float below fl : fl
 *     i <= f   f >= c    c = fl rounded down ? the float above fl : fl
 *     i > f    f < c     c = fl rounded down ? the float above fl : fl
 *     i >= f   f <= c    c = fl rounded up ? the float below fl : fl
 *     i == f   fl is i exactly and f == fl;  i != f the negation
 *
 * c depends on i alone: where i is the same on every trip (x[k] >= n), it is computed before
 * the loop, which compares one float per element and vectorises (the exact test per element
 * was 3x Numba's plain comparison). NaN compares false (unequal), as in CPython. (uint64
 * values come from NumPy and compare as NumPy compares them, through float64.) */
static LLVMValueRef cmp_int_float(Lower *L, int op, LLVMValueRef i, LLVMValueRef f) {
    LLVMValueRef fl = LLVMBuildSIToFP(L->b, i, L->f64, "");
    if (LLVMIsAConstantInt(i)) {   /* x > 0: a constant a float holds exactly needs nothing more */
        long long c = LLVMConstIntGetSExtValue(i);
        if (c >= -(1LL << 53) && c <= (1LL << 53)) return cg_cmp(L, op, fl, f, ty_float64);
    }
    /* fl is a whole number in [-2**63, 2**63]; 2**63 lies above every int64 */
    LLVMValueRef top = LLVMBuildFCmp(L->b, LLVMRealOGE, fl, f64c(L, 9223372036854775808.0), "");
    LLVMValueRef back = LLVMBuildFPToSI(L->b, LLVMBuildSelect(L->b, top, f64c(L, 0), fl, ""), L->i64, "");
    LLVMValueRef up = LLVMBuildOr(L->b, top, LLVMBuildICmp(L->b, LLVMIntSGT, back, i, ""), "rounded_up");
    LLVMValueRef down = LLVMBuildAnd(L->b, LLVMBuildNot(L->b, top, ""), LLVMBuildICmp(L->b, LLVMIntSLT, back, i, ""),
                                     "rounded_down");
    if (op == IRC_EQ || op == IRC_NE) {
        LLVMValueRef exact = LLVMBuildNot(L->b, LLVMBuildOr(L->b, up, down, ""), "");
        if (op == IRC_EQ) return LLVMBuildAnd(L->b, exact, LLVMBuildFCmp(L->b, LLVMRealOEQ, f, fl, ""), "");
        return LLVMBuildOr(L->b, LLVMBuildNot(L->b, exact, ""), LLVMBuildFCmp(L->b, LLVMRealUNE, f, fl, ""), "");
    }
    /* the float next to fl (not 0: fl was rounded, so |i| > 2**53) above or below it */
    bool toward_up = op == IRC_LE || op == IRC_GT;   /* c is the float above fl when fl was rounded down */
    LLVMValueRef bits = LLVMBuildBitCast(L->b, fl, L->i64, "");
    LLVMValueRef pos = LLVMBuildFCmp(L->b, LLVMRealOGT, fl, f64c(L, 0), "");
    LLVMValueRef one = i64c(L, 1), minus = i64c(L, -1);
    LLVMValueRef delta = toward_up ? LLVMBuildSelect(L->b, pos, one, minus, "") : LLVMBuildSelect(L->b, pos, minus, one, "");
    LLVMValueRef next = LLVMBuildBitCast(L->b, LLVMBuildAdd(L->b, bits, delta, ""), L->f64, "");
    LLVMValueRef c = LLVMBuildSelect(L->b, toward_up ? down : up, next, fl, "c");
    static const LLVMRealPredicate pred[6] = {[IRC_LT] = LLVMRealOGT, [IRC_LE] = LLVMRealOGE, [IRC_GT] = LLVMRealOLT,
                                              [IRC_GE] = LLVMRealOLE};
    return LLVMBuildFCmp(L->b, pred[op], f, c, "");
}

/* a op b for numbers of types ta and tb: in their common type, except that an int64 and a
 * uint64 compare exactly (a negative int64 is below every uint64), and so do an int64 and a
 * float outside array expressions (NumPy compares them as floats). */
LLVMValueRef cg_cmp_values(Lower *L, int op, LLVMValueRef a, const Type *ta, LLVMValueRef b, const Type *tb) {
    if (!L->numpy_sem && ta == ty_int64 && tb == ty_float64) return cmp_int_float(L, op, a, b);
    if (!L->numpy_sem && ta == ty_float64 && tb == ty_int64) {
        static const int swapped[6] = {IRC_GT, IRC_GE, IRC_EQ, IRC_NE, IRC_LT, IRC_LE};
        return cmp_int_float(L, swapped[op], b, a);
    }
    if (ty_is_int(ta) && ty_is_int(tb) && ta != tb) {
        bool signed_left = ta == ty_int64;
        LLVMValueRef s = signed_left ? a : b;
        /* when the int64 is negative, the signed side is the smaller */
        bool if_neg = signed_left ? (op == IRC_LT || op == IRC_LE || op == IRC_NE)
                                  : (op == IRC_GT || op == IRC_GE || op == IRC_NE);
        LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, s, i64c(L, 0), "");
        return LLVMBuildSelect(L->b, neg, LLVMConstInt(L->i1, if_neg, 0), cg_cmp(L, op, a, b, ty_uint64), "");
    }
    const Type *u = ty_unify(ta, tb);
    if (u == ty_bool) u = ty_int64;
    return cg_cmp(L, op, cg_cast(L, a, ta, u), cg_cast(L, b, tb, u), u);
}

/* ---- conversions with checks ------------------------------------------------------- */
/* int(x) for a float: Python raises for NaN, infinities and values outside int64. The common
 * path is one test. On x86-64 the conversion itself is the test: cvttsd2si gives INT64_MIN for
 * every input it cannot convert, and only then is x tested for -2**63 (which fits; the test
 * and the value on that path are written so that the optimiser learns no constant there and
 * does not duplicate the code after it). Elsewhere one ordered range test (false for NaN too).
 * The failing path leaves the loop: a loop with a conversion keeps one side exit and can still
 * be unrolled (jit.c). On x86-64, an int assigned and then tested against a constant before
 * anything else reads it has its test moved to the side of that branch that INT64_MIN takes
 * (cg_defer_int_check). */
static LLVMValueRef int_checked(Lower *L, LLVMValueRef x, LLVMValueRef r, LLVMValueRef good) {
    LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(L->c, L->func, "badint");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->c, L->func, "int");
    LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(L->c, L->func, "intfail");
    cg_br_expect(L, good, true, ok, bad);
    LLVMPositionBuilderAtEnd(L->b, bad);   /* of what is left, only -2**63 lies in [-2**63, -2**62) */
    LLVMValueRef fits = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOGE, x, f64c(L, -9223372036854775808.0), ""),
                                     LLVMBuildFCmp(L->b, LLVMRealOLT, x, f64c(L, -4611686018427387904.0), ""), "");
    LLVMValueRef r2 = LLVMBuildFPToSI(L->b, x, L->i64, "");
    LLVMBuildCondBr(L->b, fits, ok, fail);
    LLVMPositionBuilderAtEnd(L->b, fail);
    cg_call(L, "ember_rt_raise_float_to_int", L->voidt, &L->f64, &x, 1);
    cg_fail(L);
    LLVMPositionBuilderAtEnd(L->b, ok);
    return cg_phi2(L, r, from, r2, bad, "int");
}

LLVMValueRef cg_int_checked_after(Lower *L, LLVMValueRef x, LLVMValueRef r) {
    return int_checked(L, x, r, LLVMBuildICmp(L->b, LLVMIntNE, r, LLVMConstInt(L->i64, 1ULL << 63, 0), ""));
}

LLVMValueRef cg_float_to_int(Lower *L, LLVMValueRef x) {
    LLVMValueRef d = cg_defer_int(L, x);
    if (d) return d;
    if (strncmp(LLVMGetTarget(L->m), "x86_64", 6)) {
        LLVMValueRef good = LLVMBuildFCmp(L->b, LLVMRealOLT, cg_intrinsic1(L, "llvm.fabs.f64", x), f64c(L, 9223372036854775808.0), "");
        return int_checked(L, x, LLVMBuildFPToSI(L->b, x, L->i64, ""), good);   /* poison when not good: then unused */
    }
    LLVMTypeRef v2 = LLVMVectorType(L->f64, 2);
    LLVMValueRef v = LLVMBuildInsertElement(L->b, LLVMGetPoison(v2), x, i64c(L, 0), "");
    LLVMValueRef r = cg_call(L, "llvm.x86.sse2.cvttsd2si64", L->i64, &v2, &v, 1);
    if (!cg_defer_int_check(L)) return cg_int_checked_after(L, x, r);
    L->pending_int.x = x;
    L->pending_int.r = r;
    return r;
}

/* len(range(start, stop, step)), computed without overflow as CPython does. */
LLVMValueRef cg_range_count(Lower *L, LLVMValueRef r) {
    LLVMValueRef start = LLVMBuildExtractValue(L->b, r, 0, ""), stop = LLVMBuildExtractValue(L->b, r, 1, "");
    LLVMValueRef step = LLVMBuildExtractValue(L->b, r, 2, "");
    LLVMValueRef up = LLVMBuildICmp(L->b, LLVMIntSGT, step, i64c(L, 0), "");
    LLVMValueRef lo = LLVMBuildSelect(L->b, up, start, stop, ""), hi = LLVMBuildSelect(L->b, up, stop, start, "");
    LLVMValueRef absstep = LLVMBuildSelect(L->b, up, step, LLVMBuildSub(L->b, i64c(L, 0), step, ""), "");
    LLVMValueRef nonempty = LLVMBuildICmp(L->b, LLVMIntSLT, lo, hi, "");
    LLVMValueRef span = LLVMBuildSub(L->b, LLVMBuildSub(L->b, hi, lo, ""), i64c(L, 1), "");
    LLVMValueRef n = LLVMBuildAdd(L->b, LLVMBuildUDiv(L->b, span, absstep, ""), i64c(L, 1), "");
    return LLVMBuildSelect(L->b, nonempty, n, i64c(L, 0), "count");
}

/* x in range(start, stop, step) in constant time, as CPython's range_contains: x between the
 * ends on the step's side and a whole number of steps from start (the distance taken as a uint64,
 * which holds it; range() refused a zero step). A float or complex x is in the range when it
 * equals one of its ints, as CPython's item-by-item search finds. */
LLVMValueRef cg_range_contains(Lower *L, LLVMValueRef r, LLVMValueRef x, const Type *xt) {
    LLVMValueRef ok = LLVMConstInt(L->i1, 1, 0), k;
    if (xt == ty_complex128) {
        ok = LLVMBuildFCmp(L->b, LLVMRealOEQ, LLVMBuildExtractValue(L->b, x, 1, ""), f64c(L, 0.0), "");
        x = LLVMBuildExtractValue(L->b, x, 0, "");
        xt = ty_float64;
    }
    if (xt == ty_float64) {   /* a whole number an int64 holds, converted only then */
        ok = LLVMBuildAnd(L->b, ok, LLVMBuildFCmp(L->b, LLVMRealOEQ, x, cg_intrinsic1(L, "llvm.floor.f64", x), ""), "");
        ok = LLVMBuildAnd(L->b, ok, LLVMBuildFCmp(L->b, LLVMRealOGE, x, f64c(L, -0x1p63), ""), "");
        ok = LLVMBuildAnd(L->b, ok, LLVMBuildFCmp(L->b, LLVMRealOLT, x, f64c(L, 0x1p63), ""), "");
        k = LLVMBuildFPToSI(L->b, LLVMBuildSelect(L->b, ok, x, f64c(L, 0.0), ""), L->i64, "");
    } else {   /* a uint64 above INT64_MAX is no range's */
        k = cg_cast(L, x, xt, ty_int64);
        if (xt == ty_uint64) ok = LLVMBuildICmp(L->b, LLVMIntSGE, k, i64c(L, 0), "");
    }
    LLVMValueRef start = LLVMBuildExtractValue(L->b, r, 0, ""), stop = LLVMBuildExtractValue(L->b, r, 1, "");
    LLVMValueRef step = LLVMBuildExtractValue(L->b, r, 2, "");
    LLVMValueRef up = LLVMBuildICmp(L->b, LLVMIntSGT, step, i64c(L, 0), "");
    LLVMValueRef inside = LLVMBuildSelect(L->b, up,
        LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntSLE, start, k, ""), LLVMBuildICmp(L->b, LLVMIntSLT, k, stop, ""), ""),
        LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, stop, k, ""), LLVMBuildICmp(L->b, LLVMIntSLE, k, start, ""), ""), "");
    LLVMValueRef dist = LLVMBuildSelect(L->b, up, LLVMBuildSub(L->b, k, start, ""), LLVMBuildSub(L->b, start, k, ""), "");
    LLVMValueRef absstep = LLVMBuildSelect(L->b, up, step, LLVMBuildSub(L->b, i64c(L, 0), step, ""), "");
    LLVMValueRef on_step = LLVMBuildICmp(L->b, LLVMIntEQ, LLVMBuildURem(L->b, dist, absstep, ""), i64c(L, 0), "");
    return LLVMBuildAnd(L->b, ok, LLVMBuildAnd(L->b, inside, on_step, ""), "");
}

/* ---- builtins ---------------------------------------------------------------------- */
static LLVMValueRef cttz64(Lower *L, LLVMValueRef x) {   /* x != 0 */
    LLVMTypeRef pt[2] = {L->i64, L->i1};
    LLVMValueRef a[2] = {x, LLVMConstInt(L->i1, 1, 0)};
    return cg_call(L, "llvm.cttz.i64", L->i64, pt, a, 2);
}

/* The gcd of a and b (of their magnitudes; uns: of the uint64s themselves) by Stein's binary
 * algorithm, inline, for math.gcd, np.gcd and np.lcm: shifts and subtractions where Euclid's
 * remainders cost a 64-bit division each, and no data-dependent branch but the loop's (a
 * compare-and-swap branch mispredicts half the time). Inline, one pair's gcd overlaps the next
 * one's in a loop, where a runtime call kept them apart: 20k pairs by Euclid in the runtime 1.58
 * ms, binary in the runtime 0.93, inline 0.58 (numba 0.50). gcd(-2**63, 0) is 2**63, which wraps
 * to -2**63 as an int64. */
LLVMValueRef cg_gcd(Lower *L, LLVMValueRef a, LLVMValueRef b, bool uns) {
    LLVMTypeRef pt[2] = {L->i64, L->i1};
    LLVMValueRef aa[2] = {a, LLVMConstInt(L->i1, 0, 0)}, ba[2] = {b, LLVMConstInt(L->i1, 0, 0)};
    LLVMValueRef x0 = uns ? a : cg_call(L, "llvm.abs.i64", L->i64, pt, aa, 2), y0 = uns ? b : cg_call(L, "llvm.abs.i64", L->i64, pt, ba, 2);
    LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef start = LLVMAppendBasicBlockInContext(L->c, L->func, "gcd.start");
    LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(L->c, L->func, "gcd.loop");
    LLVMBasicBlockRef end = LLVMAppendBasicBlockInContext(L->c, L->func, "gcd.end");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "gcd.done");
    LLVMValueRef zero = i64c(L, 0);
    LLVMValueRef either = LLVMBuildOr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, x0, zero, ""), LLVMBuildICmp(L->b, LLVMIntEQ, y0, zero, ""), "");
    LLVMValueRef trivial = LLVMBuildOr(L->b, x0, y0, "");   /* gcd(0, y) = y, gcd(x, 0) = x */
    LLVMBuildCondBr(L->b, either, join, start);
    LLVMPositionBuilderAtEnd(L->b, start);
    LLVMValueRef k = cttz64(L, LLVMBuildOr(L->b, x0, y0, ""));
    LLVMValueRef xs = LLVMBuildLShr(L->b, x0, cttz64(L, x0), "");
    LLVMBuildBr(L->b, loop);
    LLVMPositionBuilderAtEnd(L->b, loop);   /* x odd, y != 0 */
    LLVMValueRef x = LLVMBuildPhi(L->b, L->i64, "gx"), y = LLVMBuildPhi(L->b, L->i64, "gy");
    LLVMValueRef yo = LLVMBuildLShr(L->b, y, cttz64(L, y), "");
    LLVMValueRef d = LLVMBuildSub(L->b, yo, x, ""), m = LLVMBuildSExt(L->b, LLVMBuildICmp(L->b, LLVMIntULT, yo, x, ""), L->i64, "");
    LLVMValueRef x2 = LLVMBuildAdd(L->b, x, LLVMBuildAnd(L->b, d, m, ""), "");   /* yo < x: x becomes yo */
    LLVMValueRef y2 = LLVMBuildSub(L->b, LLVMBuildXor(L->b, d, m, ""), m, "");     /* |yo - x| */
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntNE, y2, zero, ""), loop, end);
    LLVMValueRef xin[2] = {xs, x2}, yin[2] = {y0, y2};
    LLVMBasicBlockRef bin[2] = {start, loop};
    LLVMAddIncoming(x, xin, bin, 2);
    LLVMAddIncoming(y, yin, bin, 2);
    LLVMPositionBuilderAtEnd(L->b, end);
    LLVMValueRef g = LLVMBuildShl(L->b, x2, k, "");
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_phi2(L, trivial, from, g, end, "gcd");
}

/* round(x, nd) of a float32 x (an element of a float32 array: an np.float32 to Python, whose
 * __round__ is NumPy's): scaled by 10**|nd| in float32, rounded half to even, scaled back in
 * float32, as np.round computes a float32 array. */
static LLVMValueRef round_f32(Lower *L, LLVMValueRef x, LLVMValueRef nd) {
    LLVMTypeRef f32 = LLVMFloatTypeInContext(L->c), pt[2] = {L->f64, L->f64};
    LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, nd, i64c(L, 0), "");
    LLVMValueRef mag = LLVMBuildSIToFP(L->b, LLVMBuildSelect(L->b, neg, LLVMBuildNeg(L->b, nd, ""), nd, ""), L->f64, "");
    LLVMValueRef a[2] = {f64c(L, 10.0), mag};
    LLVMValueRef p = LLVMBuildFPTrunc(L->b, cg_call(L, "llvm.pow.f64", L->f64, pt, a, 2), f32, "");
    LLVMValueRef x32 = LLVMBuildFPTrunc(L->b, x, f32, "");
    LLVMValueRef y = LLVMBuildSelect(L->b, neg, LLVMBuildFDiv(L->b, x32, p, ""), LLVMBuildFMul(L->b, x32, p, ""), "");
    y = cg_call(L, "llvm.roundeven.f32", f32, &f32, &y, 1);
    y = LLVMBuildSelect(L->b, neg, LLVMBuildFMul(L->b, y, p, ""), LLVMBuildFDiv(L->b, y, p, ""), "");
    return LLVMBuildFPExt(L->b, y, L->f64, "");
}

/* round(x, n) of a float, correctly rounded as CPython's, for n in [0, 22] where |x| * 10**n
 * < 2**52, without printing: 10**n is a double (a constant, or a load from a table of them), and
 * x * 10**n exactly is hi + lo (lo by a fused multiply-add). The integer m nearest that exact
 * value, halves to even, is roundeven(hi), except where hi is itself a half-integer and lo says
 * on which side of it the exact value lies (elsewhere |hi - m| < 1/2 and |lo| is at most half an
 * ulp of hi: the exact value cannot reach the half-way point). m / 10**n, one correctly rounded
 * division, is the double nearest the decimal m * 10**-n, the one CPython reads back. 2 ns where
 * printing and reading back took 140; the runtime prints for the other n, NaN and infinities. */
static LLVMValueRef round_ndigits(Lower *L, LLVMValueRef x, LLVMValueRef nd) {
    LLVMTypeRef rt[2] = {L->f64, L->i64}, f3[3] = {L->f64, L->f64, L->f64};
    LLVMValueRef args[2] = {x, nd};
    LLVMValueRef p10[23];
    double pw = 1.0;
    for (int k = 0; k < 23; k++, pw *= 10.0) p10[k] = f64c(L, pw);   /* exact up to 1e22 */
    LLVMValueRef p, in_table = LLVMConstInt(L->i1, 1, 0);
    if (LLVMIsAConstantInt(nd)) {
        long long n = LLVMConstIntGetSExtValue(nd);
        if (n < 0 || n > 22) return cg_call(L, "ember_rt_round_ndigits", L->f64, rt, args, 2);
        p = p10[n];
    } else {
        LLVMTypeRef tt = LLVMArrayType2(L->f64, 23);
        LLVMValueRef table = cg_const_global(L, LLVMConstArray2(L->f64, p10, 23), "ember.pow10");
        in_table = LLVMBuildICmp(L->b, LLVMIntULE, nd, i64c(L, 22), "");
        LLVMValueRef idx[2] = {i64c(L, 0), LLVMBuildSelect(L->b, in_table, nd, i64c(L, 0), "")};
        p = LLVMBuildLoad2(L->b, L->f64, LLVMBuildInBoundsGEP2(L->b, tt, table, idx, 2, ""), "pow10");
    }
    LLVMValueRef hi = LLVMBuildFMul(L->b, x, p, "");
    LLVMValueRef fits = LLVMBuildFCmp(L->b, LLVMRealOLT, cg_intrinsic1(L, "llvm.fabs.f64", hi), f64c(L, 4503599627370496.0), "");
    fits = LLVMBuildAnd(L->b, fits, in_table, "");
    LLVMBasicBlockRef fast = LLVMAppendBasicBlockInContext(L->c, L->func, "round.fast");
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(L->c, L->func, "round.print");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "round.done");
    cg_br_expect(L, fits, true, fast, slow);
    LLVMPositionBuilderAtEnd(L->b, fast);
    LLVMValueRef fa[3] = {x, p, LLVMBuildFNeg(L->b, hi, "")};
    LLVMValueRef lo = cg_call(L, "llvm.fma.f64", L->f64, f3, fa, 3);   /* x * p == hi + lo exactly */
    LLVMValueRef m = cg_intrinsic1(L, "llvm.roundeven.f64", hi);
    LLVMValueRef half = LLVMBuildFCmp(L->b, LLVMRealOEQ, cg_intrinsic1(L, "llvm.fabs.f64", LLVMBuildFSub(L->b, hi, m, "")), f64c(L, 0.5), "");
    half = LLVMBuildAnd(L->b, half, LLVMBuildFCmp(L->b, LLVMRealONE, lo, f64c(L, 0.0), ""), "");
    LLVMValueRef sa[2] = {f64c(L, 0.5), lo};   /* hi a half-integer: the exact value's side of it */
    LLVMValueRef side = LLVMBuildFAdd(L->b, hi, cg_call(L, "llvm.copysign.f64", L->f64, f3, sa, 2), "");
    m = LLVMBuildSelect(L->b, half, side, m, "");
    LLVMValueRef ca[2] = {LLVMBuildFDiv(L->b, m, p, ""), x};   /* a nonzero result has x's sign; a zero takes it */
    LLVMValueRef r = cg_call(L, "llvm.copysign.f64", L->f64, f3, ca, 2);
    LLVMBasicBlockRef fast_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, slow);
    LLVMValueRef rs = cg_call(L, "ember_rt_round_ndigits", L->f64, rt, args, 2);
    LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_phi2(L, r, fast_end, rs, slow_end, "round");
}

/* min() / max() of vals[0..n) as Python picks: a later value only when strictly better. */
LLVMValueRef cg_minmax(Lower *L, bool is_max, LLVMValueRef *vals, int n, const Type *t) {
    LLVMValueRef best = vals[0];
    for (int i = 1; i < n; i++) {   /* strictly better: the first of equal values, as Python's */
        LLVMValueRef better = t->kind == TY_TUPLE ? cg_cmp_any(L, is_max ? IRC_GT : IRC_LT, vals[i], t, best, t)
                                                  : cg_cmp(L, is_max ? IRC_GT : IRC_LT, vals[i], best, t);
        best = LLVMBuildSelect(L->b, better, vals[i], best, "");
    }
    return best;
}

static LLVMValueRef range_value(Lower *L, LLVMValueRef *args, int n) {
    LLVMValueRef start = n >= 2 ? args[0] : i64c(L, 0), stop = n >= 2 ? args[1] : args[0];
    LLVMValueRef step = n == 3 ? args[2] : i64c(L, 1);
    if (n == 3) cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, step, i64c(L, 0), ""), "builtins:ValueError",
                            "range() arg 3 must not be zero");
    LLVMTypeRef f[3] = {L->i64, L->i64, L->i64};
    LLVMValueRef v = LLVMGetUndef(LLVMStructTypeInContext(L->c, f, 3, 0));
    v = LLVMBuildInsertValue(L->b, v, start, 0, "");
    v = LLVMBuildInsertValue(L->b, v, stop, 1, "");
    return LLVMBuildInsertValue(L->b, v, step, 2, "");
}

static LLVMValueRef pair(Lower *L, const Type *t, LLVMValueRef a, LLVMValueRef b) {
    LLVMValueRef v = LLVMGetUndef(cg_type(L, t));
    v = LLVMBuildInsertValue(L->b, v, a, 0, "");
    return LLVMBuildInsertValue(L->b, v, b, 1, "");
}

static LLVMValueRef isclose(Lower *L, LLVMValueRef a, LLVMValueRef b, LLVMValueRef rel, LLVMValueRef abs_) {
    LLVMValueRef neg = LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, LLVMRealOLT, rel, f64c(L, 0), ""),
                                   LLVMBuildFCmp(L->b, LLVMRealOLT, abs_, f64c(L, 0), ""), "");
    cg_raise_if(L, neg, "builtins:ValueError", "tolerances must be non-negative");
    LLVMValueRef eq = LLVMBuildFCmp(L->b, LLVMRealOEQ, a, b, "");
    LLVMValueRef inf = f64c(L, INFINITY);
    LLVMValueRef anyinf = LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, cg_intrinsic1(L, "llvm.fabs.f64", a), inf, ""),
                                      LLVMBuildFCmp(L->b, LLVMRealOEQ, cg_intrinsic1(L, "llvm.fabs.f64", b), inf, ""), "");
    LLVMValueRef diff = cg_intrinsic1(L, "llvm.fabs.f64", LLVMBuildFSub(L->b, b, a, ""));
    LLVMValueRef c1 = LLVMBuildFCmp(L->b, LLVMRealOLE, diff, cg_intrinsic1(L, "llvm.fabs.f64", LLVMBuildFMul(L->b, rel, b, "")), "");
    LLVMValueRef c2 = LLVMBuildFCmp(L->b, LLVMRealOLE, diff, cg_intrinsic1(L, "llvm.fabs.f64", LLVMBuildFMul(L->b, rel, a, "")), "");
    LLVMValueRef c3 = LLVMBuildFCmp(L->b, LLVMRealOLE, diff, abs_, "");
    LLVMValueRef close = LLVMBuildOr(L->b, LLVMBuildOr(L->b, c1, c2, ""), c3, "");
    return LLVMBuildOr(L->b, eq, LLVMBuildAnd(L->b, LLVMBuildNot(L->b, anyinf, ""), close, ""), "");
}

LLVMValueRef cg_builtin(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    int n = ci->nparams;
    const Type *ret = ci->ret;
    if (cg_is_str_call(ci, types)) return cg_str_call(L, in, ci, args, types);
    if (ci->builtin == METHOD_ITEM && ty_is_number(L->ti->vtypes[in->args[0]]->recv)) return L->vals[in->args[0]];
    if (ci->builtin >= METHOD_FLATTEN || ti_is_numpy_builtin(ci->builtin))
        return cg_numpy_call(L, in, ci, args, types);
    if (ci->builtin == METHOD_CONJUGATE) {
        LLVMValueRef self = L->vals[in->args[0]];
        const Type *st = L->ti->vtypes[in->args[0]]->recv;
        if (st == ty_complex128) return mk_complex(L, re_(L, self), LLVMBuildFNeg(L->b, im_(L, self), ""));
        return cg_cast(L, self, st, ret);
    }
    if (ci->builtin == BI_NEW_INSTANCE) return cg_new_instance(L, ret);
    if (ci->builtin == BI_RND_FILL_BCAST) return cg_rdist_fill(L, in, ci, args, types);
    if (ci->builtin < BI_COUNT && !strcmp(ti_builtins[ci->builtin].module, "random")) return cg_pyrandom_call(L, ci, args, types);
    if (ci->builtin == BI_ISINSTANCE) return LLVMConstInt(L->i1, L->ti->frozen[in->id] == Py_True, 0);
    if (ci->builtin == BI_TUPLE) return n ? args[0] : LLVMGetUndef(cg_type(L, ret));   /* converted by call_args */
    if (ci->builtin == METHOD_IS_INTEGER) {
        LLVMValueRef x = L->vals[in->args[0]];   /* finite and whole: inf - inf is NaN */
        LLVMValueRef whole = LLVMBuildFCmp(L->b, LLVMRealOEQ, cg_intrinsic1(L, "llvm.floor.f64", x), x, "");
        return LLVMBuildAnd(L->b, whole, LLVMBuildFCmp(L->b, LLVMRealOEQ, LLVMBuildFSub(L->b, x, x, ""), f64c(L, 0), ""), "");
    }
    const BuiltinInfo *bi = &ti_builtins[ci->builtin];
    if (ci->builtin == BI_M_POW && n == 2 && in->nargs == 3 && ty_is_int(L->ti->vtypes[in->args[2]]))
        return float_pow(L, args[0], args[1], true, cg_f32_scalar(L, in));   /* math.pow(x, i): x ** i, as Numba's */
    if (bi->shape != SH_SPECIAL && bi->lowering) {
        LLVMValueRef x = args[0];
        if (bi->shape == SH_F_I && ci->params[0] == ty_int64) return x;   /* floor(int) is the int */
        int nx = bi->shape == SH_FF_F ? 2 : 1;   /* sqrtf(x) where typing made x * x float32 */
        LLVMValueRef r = cg_f32_scalar(L, in) ? cg_f32_call(L, bi->lowering, args, nx) : cg_math_call(L, bi->lowering, args, nx);
        return bi->shape == SH_F_I ? cg_float_to_int(L, r) : r;
    }
    switch (ci->builtin) {
    case BI_M_ISNAN: return LLVMBuildFCmp(L->b, LLVMRealUNO, args[0], args[0], "");
    case BI_M_ISINF:
        return LLVMBuildFCmp(L->b, LLVMRealOEQ, cg_intrinsic1(L, "llvm.fabs.f64", args[0]), f64c(L, INFINITY), "");
    case BI_M_ISFINITE:
        return LLVMBuildFCmp(L->b, LLVMRealOLT, cg_intrinsic1(L, "llvm.fabs.f64", args[0]), f64c(L, INFINITY), "");
    case BI_M_DEGREES: case BI_M_RADIANS: {   /* of a float32: by the float32 constant, as Numba */
        double c = ci->builtin == BI_M_DEGREES ? 180.0 / M_PI : M_PI / 180.0;
        return LLVMBuildFMul(L->b, args[0], f64c(L, cg_f32_scalar(L, in) ? (double)(float)c : c), "");
    }
    case BI_M_LOG:
        if (n == 1) return cg_f32_scalar(L, in) ? cg_f32_call(L, "llvm.log.f64", args, 1) : cg_math_call(L, "llvm.log.f64", args, 1);
        {   /* CPython divides the logs and raises where the base's is 0 (base 1) */
            LLVMValueRef lb = cg_math_call(L, "llvm.log.f64", args + 1, 1);
            cg_raise_if(L, LLVMBuildFCmp(L->b, LLVMRealOEQ, lb, f64c(L, 0), ""), "builtins:ZeroDivisionError", "float division by zero");
            return LLVMBuildFDiv(L->b, cg_math_call(L, "llvm.log.f64", args, 1), lb, "");
        }
    case BI_M_LDEXP: {
        LLVMValueRef e = args[1];
        e = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, e, i64c(L, 100000), ""), i64c(L, 100000), e, "");
        e = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, e, i64c(L, -100000), ""), i64c(L, -100000), e, "");
        LLVMTypeRef pt[2] = {L->f64, L->i32};
        LLVMValueRef a[2] = {args[0], LLVMBuildTrunc(L->b, e, L->i32, "")};
        return cg_call(L, "ldexp", L->f64, pt, a, 2);
    }
    case BI_M_FREXP: {
        LLVMValueRef slot = cg_entry_alloca(L, L->i32, "exp");
        LLVMTypeRef pt[2] = {L->f64, L->ptr};
        LLVMValueRef a[2] = {args[0], slot};
        LLVMValueRef m = cg_call(L, "frexp", L->f64, pt, a, 2);
        return pair(L, ret, m, LLVMBuildSExt(L->b, LLVMBuildLoad2(L->b, L->i32, slot, ""), L->i64, ""));
    }
    case BI_M_MODF: {
        LLVMValueRef slot = cg_entry_alloca(L, L->f64, "ipart");
        LLVMTypeRef pt[2] = {L->f64, L->ptr};
        LLVMValueRef a[2] = {args[0], slot};
        LLVMValueRef frac = cg_call(L, "modf", L->f64, pt, a, 2);
        return pair(L, ret, frac, LLVMBuildLoad2(L->b, L->f64, slot, ""));
    }
    case BI_M_GCD: {   /* (gcd(0, x) folds to |x|) */
        LLVMValueRef g = i64c(L, 0);
        for (int i = 0; i < n; i++) g = cg_gcd(L, g, args[i], false);
        return g;
    }
    case BI_M_FACTORIAL: return cg_rt_status_call(L, "ember_rt_factorial", L->i64, &L->i64, args, 1);
    case BI_M_ULP: return cg_call(L, "ember_rt_ulp", L->f64, &L->f64, args, 1);
    case BI_M_ISCLOSE: return isclose(L, args[0], args[1], args[2], args[3]);
    case BI_ABS: {
        const Type *t = ci->params[0];
        LLVMValueRef narrow = cg_narrow_call(L, in, ci, args, n);
        if (narrow) return narrow;
        if (t == ty_int64) {
            LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, args[0], i64c(L, 0), "");
            return LLVMBuildSelect(L->b, neg, LLVMBuildSub(L->b, i64c(L, 0), args[0], ""), args[0], "");
        }
        if (t == ty_uint64) return args[0];
        if (t == ty_float64) return cg_intrinsic1(L, "llvm.fabs.f64", args[0]);
        if (cg_f32_scalar(L, in)) return cg_f32_call(L, "hypot", (LLVMValueRef[2]){re_(L, args[0]), im_(L, args[0])}, 2);
        return cg_math_call(L, "hypot", (LLVMValueRef[2]){re_(L, args[0]), im_(L, args[0])}, 2);   /* vector hypot in loops */
    }
    case BI_MIN: case BI_MAX: {
        LLVMValueRef vals[256] = {0};
        int k = n;
        if ((vals[0] = cg_narrow_call(L, in, ci, args, n))) return vals[0];
        if (n == 1) {   /* over a tuple */
            const Type *tt = types[0];
            k = tt->n;
            for (int i = 0; i < k; i++)
                vals[i] = cg_cast(L, LLVMBuildExtractValue(L->b, args[0], (unsigned)i, ""), tt->elems[i], ret);
        } else {
            memcpy(vals, args, sizeof(LLVMValueRef) * (size_t)n);
        }
        return cg_minmax(L, ci->builtin == BI_MAX, vals, k, ret);
    }
    case BI_INT:
        if (n == 0) return i64c(L, 0);
        if (types[0] == ty_float64) return cg_float_to_int(L, args[0]);
        return cg_cast(L, args[0], types[0], ret);
    case BI_FLOAT:
        return n ? cg_cast(L, args[0], types[0], ty_float64) : f64c(L, 0);
    case BI_BOOL:
        return n ? cg_truth(L, args[0], types[0]) : LLVMConstInt(L->i1, 0, 0);
    case BI_COMPLEX: {
        if (n == 0) return mk_complex(L, f64c(L, 0), f64c(L, 0));
        if (n == 1) return args[0];
        if (types[0] != ty_complex128 && types[1] != ty_complex128)   /* exact, signed zeros kept */
            return mk_complex(L, re_(L, args[0]), re_(L, args[1]));
        /* complex(a, b) = a + b*1j */
        return mk_complex(L, LLVMBuildFSub(L->b, re_(L, args[0]), im_(L, args[1]), ""),
                          LLVMBuildFAdd(L->b, im_(L, args[0]), re_(L, args[1]), ""));
    }
    case BI_ROUND:
        if (ci->params[0] == ty_int64) {
            if (n == 1) return args[0];
            LLVMTypeRef pt[2] = {L->i64, L->i64};
            return cg_call(L, "ember_rt_round_int", L->i64, pt, args, 2);
        }
        if (n == 1) return cg_float_to_int(L, cg_intrinsic1(L, "llvm.roundeven.f64", args[0]));
        if (in->nargs >= 2 && L->ti->f32 && L->ti->f32[in->args[1]]) return round_f32(L, args[0], args[1]);
        return round_ndigits(L, args[0], args[1]);
    case BI_SLICE: {   /* {start, stop, step}, as cg_slice builds a[start:stop:step]'s */
        LLVMValueRef v = LLVMGetUndef(cg_type(L, ret));
        for (int i = 0; i < 3; i++) v = LLVMBuildInsertValue(L->b, v, i64c(L, 0), (unsigned)i, "");
        for (int i = 0; i < n; i++)
            if (ci->params[i] == ty_int64)
                v = LLVMBuildInsertValue(L->b, v, args[i], (unsigned)(n == 1 ? 1 : i), "");
        return v;
    }
    case BI_GET_THREAD_ID: case BI_GET_NUM_THREADS: {   /* the runtime's (runtime/parallel.c) */
        LLVMValueRef r = cg_call(L, ci->builtin == BI_GET_THREAD_ID ? "ember_rt_thread_id" : "ember_rt_num_threads", L->i64, NULL, NULL, 0);
        /* a thread's number does not change while a function runs on it: asked once, not per
         * iteration (a histogram into local[get_thread_id(), b] ran 4x slower asking per element) */
        if (ci->builtin == BI_GET_THREAD_ID) cg_mark_speculatable(L, r);
        return r;
    }
    case BI_SET_NUM_THREADS:   /* ValueError out of 1..NUMBA_NUM_THREADS, as from Python */
        cg_check_status(L, cg_call(L, "ember_rt_set_num_threads", L->i32, &L->i64, &args[0], 1));
        return LLVMConstInt(L->i8, 0, 0);
    case BI_DIVMOD: {   /* the quotient's code first (C leaves the order of arguments open): its
                         * check raises CPython's "integer division or modulo by zero" */
        const Type *t = ci->params[0];
        LLVMValueRef q, r;
        if (t == ty_int64) {
            q = int_floordiv_mod(L, args[0], args[1], false);
            r = int_floordiv_mod(L, args[0], args[1], true);
        } else if (t == ty_uint64) {
            q = uint_div_mod(L, args[0], args[1], false);
            r = uint_div_mod(L, args[0], args[1], true);
        } else {
            float_zero_check(L, args[1], "float divmod()");
            q = float_floordiv_as_model(L, args[0], args[1]);
            r = float_mod(L, args[0], args[1]);
        }
        return pair(L, ret, q, r);
    }
    case BI_POW:
        if (n == 3) {
            LLVMTypeRef pt[3] = {L->i64, L->i64, L->i64};
            return cg_rt_status_call(L, "ember_rt_pow_mod", L->i64, pt, args, 3);
        }
        return cg_binop(L, IRB_POW, args[0], args[1], ci->params[0], in);
    case BI_LEN:
        if (types[0]->kind == TY_ARRAY || types[0]->kind == TY_RECARRAY) return cg_array_len(L, args[0]);
        if (types[0]->kind == TY_TUPLE) return i64c(L, types[0]->n);
        return cg_range_count(L, args[0]);
    case BI_RANGE: case BI_PRANGE: return range_value(L, args, n);
    case BI_LITERAL_UNROLL: return args[0];
    case BI_TYPE: return LLVMGetPoison(cg_type(L, ret));   /* a scalar type: known by its type, no value */
    case BI_NEXT:
        if (types[0]->kind == TY_ITER) return cg_iter_next_value(L, types[0], args[0], n == 2 ? args[1] : NULL, ret);
        return cg_gen_next(L, types[0], args[0], n == 2 ? args[1] : NULL, ret);
    case BI_ITER: return types[0]->kind == TY_ITER ? args[0] : cg_iter_begin(L, types[0], args[0]);
    case BI_PRINT: {   /* the values packed as words, printed by Python's print under the GIL */
        int npos = n - 3;
        char desc[512];
        LLVMValueRef words = cg_pack_values(L, args, types, npos, desc, sizeof desc);
        LLVMTypeRef pt[5] = {L->ptr, L->ptr, L->ptr, L->ptr, L->i1};
        LLVMValueRef a[5] = {cg_cstring(L, desc), words, args[npos], args[npos + 1], args[npos + 2]};
        cg_check_status(L, cg_call(L, "ember_rt_print", L->i32, pt, a, 5));
        return LLVMConstInt(L->i8, 0, 0);
    }
    case BI_ENUMERATE: {   /* zip(count(start), x): a range from start that outlasts any iterable */
        LLVMValueRef start = n == 2 ? args[1] : i64c(L, 0);
        LLVMValueRef room = LLVMBuildICmp(L->b, LLVMIntSLT, start, i64c(L, 1LL << 62), "");
        LLVMValueRef stop = LLVMBuildSelect(L->b, room, LLVMBuildAdd(L->b, start, i64c(L, 1LL << 62), ""), i64c(L, INT64_MAX), "");
        LLVMValueRef r[2] = {start, stop};
        LLVMValueRef v = LLVMGetUndef(cg_type(L, ret));
        v = LLVMBuildInsertValue(L->b, v, range_value(L, r, 2), 0, "");
        return LLVMBuildInsertValue(L->b, v, args[0], 1, "");
    }
    case BI_ZIP: {
        LLVMValueRef v = LLVMGetUndef(cg_type(L, ret));
        for (int i = 0; i < n; i++) v = LLVMBuildInsertValue(L->b, v, args[i], (unsigned)i, "");
        return v;
    }
    }
    ctx_error(L->ctx, DIAG_INTERNAL, L->fn, in->loc, "no lowering for %s()", bi->name);
    return NULL;
}
