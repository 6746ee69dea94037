/* lower_dict.c: dicts in generated code: literals and comprehensions, items, methods,
 * membership and iteration in insertion order.
 *
 * Value: a pointer to the dict's block (runtime/dict.c holds the layout and the hash table).
 * Generated code finds entries through the runtime (lookup, slot, remove: they hash and probe)
 * and reads and writes the entry's value itself, {i64 hash, i64 live, key, value}. A key is
 * handed over in a buffer written field by field over zeroes, with -0.0 made 0.0, so that the
 * runtime can compare keys as bytes.
 *
 * References, as for lists (lower_list.c): the dict owns one reference to each value that
 * holds references; storing takes one, replacing or deleting drops the old, pop() hands the
 * dict's reference to its slot, and the drop function of the dict's type (ember.drop.<type>)
 * drops each live entry's before freeing. Keys holding strings: the runtime takes the dict's
 * reference when it makes an entry and drops it when it removes one (runtime/dict.c); popitem()
 * takes a reference to the key it returns before removing it (set.pop() is handed the set's);
 * clearing and freeing drop the keys' references here, as the values'.
 *
 * Views: d.keys(), d.values(), d.items() are the dict's block under a view type (types.h,
 * ty_dict_view) with one more reference; they iterate, test membership and measure the dict as
 * it is when asked. Sets: the runtime keeps CPython's set table (runtime/dict.c), whose slots
 * are the entries; iteration walks them, and set operators and updates are runtime calls that
 * take CPython's steps.
 */
#include "lower.h"
#include <string.h>

static LLVMValueRef word(Lower *L, LLVMValueRef d, int k) { return cg_gep8(L, d, i64c(L, TY_BLOCK_HEADER + 8 * k)); }
static LLVMValueRef dict_len(Lower *L, LLVMValueRef d) { return LLVMBuildLoad2(L->b, L->i64, word(L, d, 0), "dlen"); }
static LLVMValueRef dict_used(Lower *L, LLVMValueRef d) { return LLVMBuildLoad2(L->b, L->i64, word(L, d, 1), "used"); }

/* A dict's entry {i64 hash, i64 live, key, value}, or a set's slot {i64 tag, key}: the tag is
 * nonzero when the slot holds a key (runtime/dict.c). */
static LLVMTypeRef entry_type(Lower *L, const Type *dt) {
    LLVMTypeRef f[4] = {L->i64, L->i64, cg_type(L, dt->elems[0]), cg_type(L, dt->elems[1])};
    if (dt->kind == TY_SET) f[1] = f[2];
    return LLVMStructTypeInContext(L->c, f, dt->kind == TY_SET ? 2 : 4, 0);
}
static unsigned live_field(const Type *dt) { return dt->kind == TY_SET ? 0 : 1; }
static unsigned key_field(const Type *dt) { return dt->kind == TY_SET ? 1 : 2; }
static LLVMValueRef size_of(Lower *L, LLVMTypeRef t) {
    return i64c(L, (long long)LLVMABISizeOfType(LLVMGetModuleDataLayout(L->m), t));
}
static LLVMValueRef entry_ptr(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef i) {
    LLVMValueRef entries = LLVMBuildLoad2(L->b, L->ptr, word(L, d, 5), "entries");
    return LLVMBuildInBoundsGEP2(L->b, entry_type(L, dt), entries, &i, 1, "");
}
static LLVMValueRef field(Lower *L, const Type *dt, LLVMValueRef e, unsigned k) {
    return LLVMBuildStructGEP2(L->b, entry_type(L, dt), e, k, "");
}
static LLVMValueRef load_value(Lower *L, const Type *dt, LLVMValueRef e) {
    return LLVMBuildLoad2(L->b, cg_type(L, dt->elems[1]), field(L, dt, e, 3), "");
}

/* key x (of type kt) written at p over zeroes: each number stored alone, -0.0 as 0.0 */
static void store_key(Lower *L, const Type *kt, LLVMValueRef p, LLVMValueRef x) {
    if (kt->kind == TY_TUPLE) {
        for (int i = 0; i < kt->n; i++)
            store_key(L, kt->elems[i], LLVMBuildStructGEP2(L->b, cg_type(L, kt), p, (unsigned)i, ""),
                      LLVMBuildExtractValue(L->b, x, (unsigned)i, ""));
        return;
    }
    if (kt == ty_float64) x = LLVMBuildFAdd(L->b, x, f64c(L, 0.0), "");
    LLVMBuildStore(L->b, x, p);
}

/* A key for dt, wrapped or rounded to its sized key type (DictType[uint8,...]: d[300] is d[44], as
 * Numba casts the key) where stored and where looked up. */
static LLVMValueRef narrow_key(Lower *L, const Type *dt, LLVMValueRef k) {
    return dt->narrow[0] ? cg_wrap_dtype(L, k, dt->narrow[0]->dtype) : k;
}

/* The call arguments (desc, key size, key buffer) for key k of type `from`. */
static void key_args(Lower *L, const Type *dt, LLVMValueRef k, const Type *from, LLVMValueRef *out) {
    const Type *kt = dt->elems[0];
    LLVMTypeRef t = cg_type(L, kt);
    LLVMValueRef buf = cg_entry_alloca(L, t, "key");
    LLVMTypeRef pt[4] = {L->ptr, L->i8, L->i64, L->i1};
    LLVMValueRef a[4] = {buf, LLVMConstInt(L->i8, 0, 0), size_of(L, t), LLVMConstInt(L->i1, 0, 0)};
    cg_call(L, "llvm.memset.p0.i64", L->voidt, pt, a, 4);
    store_key(L, kt, buf, narrow_key(L, dt, cg_cast(L, k, from, kt)));
    char desc[128] = "";
    ty_value_layout(kt, desc, sizeof desc, false);
    out[0] = cg_cstring(L, desc);
    out[1] = size_of(L, t);
    out[2] = buf;
}

static LLVMValueRef rt_call3(Lower *L, const char *fn, LLVMValueRef d, LLVMValueRef *ka) {
    LLVMTypeRef pt[4] = {L->ptr, L->ptr, L->i64, L->ptr};
    LLVMValueRef a[4] = {d, ka[0], ka[1], ka[2]};
    return cg_call(L, fn, L->i64, pt, a, 4);
}

/* raise KeyError(k) unless found */
static void key_error_unless(Lower *L, LLVMValueRef found, LLVMValueRef k, const Type *kt) {
    LLVMBasicBlockRef miss = LLVMAppendBasicBlockInContext(L->c, L->func, "keyerror");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->c, L->func, "found");
    cg_br_expect(L, found, true, ok, miss);
    LLVMPositionBuilderAtEnd(L->b, miss);
    cg_raise_value(L, "builtins:KeyError", k, kt);
    LLVMPositionBuilderAtEnd(L->b, ok);
}

static LLVMValueRef new_dict(Lower *L, const Type *dt) {
    LLVMValueRef es = size_of(L, entry_type(L, dt));
    LLVMValueRef d = cg_call(L, dt->kind == TY_SET ? "ember_rt_set_new" : "ember_rt_dict_new", L->ptr, &L->i64, &es, 1);
    cg_raise_if(L, LLVMBuildIsNull(L->b, d, ""), NULL, NULL);
    return d;
}

/* The runtime's slot for the key arguments ka: 2*entry + (1 if new) */
static LLVMValueRef slot_of(Lower *L, LLVMValueRef d, LLVMValueRef *ka) {
    LLVMValueRef r = rt_call3(L, "ember_rt_dict_slot", d, ka);
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntSLT, r, i64c(L, 0), ""), NULL, NULL);
    return r;
}

/* v stored as the value of slot r (2*entry + (1 if new)); returns the entry */
static LLVMValueRef store_at(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef r, LLVMValueRef v) {
    const Type *vt_ = dt->elems[1];
    LLVMValueRef e = entry_ptr(L, dt, d, LLVMBuildAShr(L->b, r, i64c(L, 1), ""));
    if (dt->kind == TY_SET) return e;   /* (no value) */
    LLVMValueRef vp = field(L, dt, e, 3);
    if (dt->narrow[1]) v = cg_wrap_dtype(L, v, dt->narrow[1]->dtype);   /* DictType[int64,float32]: rounded */
    if (ty_has_refs(vt_)) {
        v = cg_keep(L, v, vt_);
        LLVMBasicBlockRef old = LLVMAppendBasicBlockInContext(L->c, L->func, "replace");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "stored");
        LLVMValueRef isnew = LLVMBuildTrunc(L->b, r, L->i1, "");
        LLVMBuildCondBr(L->b, isnew, join, old);
        LLVMPositionBuilderAtEnd(L->b, old);
        cg_decref(L, LLVMBuildLoad2(L->b, cg_type(L, vt_), vp, ""), vt_);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
    }
    LLVMBuildStore(L->b, v, vp);
    return e;
}

/* d[k] = v through the key arguments ka; returns the entry */
static LLVMValueRef set_with(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef *ka, LLVMValueRef v) {
    return store_at(L, dt, d, slot_of(L, d, ka), v);
}

static bool inline_dict(const Type *dt);
static LLVMValueRef dict_slot(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef k, const Type *kt);

static void set_item(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef k, const Type *kt, LLVMValueRef v, const Type *vt_) {
    v = cg_cast(L, v, vt_, dt->elems[1]);
    if (inline_dict(dt)) {
        store_at(L, dt, d, dict_slot(L, dt, d, k, kt), v);
        return;
    }
    LLVMValueRef ka[3];
    key_args(L, dt, k, kt, ka);
    set_with(L, dt, d, ka, v);
}

LLVMValueRef cg_dict_len(Lower *L, LLVMValueRef d) { return dict_len(L, d); }

LLVMValueRef cg_dict_literal(Lower *L, Instr *in) {
    const Type *dt = L->ti->vtypes[in->id];
    LLVMValueRef d = new_dict(L, dt);
    cg_own(L, d, dt);
    for (int i = 0; i < in->nargs; i += 2)
        set_item(L, dt, d, L->vals[in->args[i]], L->ti->vtypes[in->args[i]], L->vals[in->args[i + 1]],
                 L->ti->vtypes[in->args[i + 1]]);
    return d;
}

void cg_dict_setitem(Lower *L, Instr *in) {
    set_item(L, L->ti->vtypes[in->args[0]], L->vals[in->args[0]], L->vals[in->args[1]], L->ti->vtypes[in->args[1]],
             L->vals[in->args[2]], L->ti->vtypes[in->args[2]]);
}

/* ---- sets of numbers and tuples of numbers: the probe in generated code ---------------------
 * For keys of numbers and tuples of numbers (no strings), membership and add probe the table
 * here as the runtime (runtime/dict.c) probes it, in CPython's order: the key found is found; an
 * empty slot ends the search, the key not in the set, and an add fills that slot and counts it
 * as the runtime does, calling it to grow the table past the same fill. An add that passes a
 * dummy (it would take the last one) or finds no table yet goes to the runtime. So the table is
 * the one the runtime alone would build, slot for slot. The key's hash is Python's, computed
 * here (a float's by the runtime's ember_rt_hash_float). */
static bool plain_key(const Type *kt) {
    if (kt->kind == TY_TUPLE) {
        for (int i = 0; i < kt->n; i++)
            if (!plain_key(kt->elems[i])) return false;
        return kt->n > 0;
    }
    return kt == ty_int64 || kt == ty_uint64 || kt == ty_float64 || kt == ty_bool;
}

static bool inline_set(const Type *dt) { return dt->kind == TY_SET && plain_key(dt->elems[0]); }

/* Python's hash of key x of type kt (its floats with -0.0 made 0.0), as runtime/dict.c's; a
 * string's (in a tuple: hash((name, 3))) by the runtime, as CPython's for this process. */
static LLVMValueRef plain_hash(Lower *L, const Type *kt, LLVMValueRef x) {
    if (kt == ty_str) return cg_call(L, "ember_rt_str_hash", L->i64, &L->ptr, &x, 1);
    if (kt->kind == TY_TUPLE) {   /* CPython 3.11's tuple hash (xxHash's mixing) */
        const unsigned long long p1 = 11400714785074694791ULL, p2 = 14029467366897019727ULL, p5 = 2870177450012600261ULL;
        LLVMValueRef acc = i64c(L, (long long)p5);
        for (int i = 0; i < kt->n; i++) {
            LLVMValueRef lane = plain_hash(L, kt->elems[i], LLVMBuildExtractValue(L->b, x, (unsigned)i, ""));
            acc = LLVMBuildAdd(L->b, acc, LLVMBuildMul(L->b, lane, i64c(L, (long long)p2), ""), "");
            acc = LLVMBuildOr(L->b, LLVMBuildShl(L->b, acc, i64c(L, 31), ""), LLVMBuildLShr(L->b, acc, i64c(L, 33), ""), "");
            acc = LLVMBuildMul(L->b, acc, i64c(L, (long long)p1), "");
        }
        acc = LLVMBuildAdd(L->b, acc, i64c(L, (long long)((unsigned long long)kt->n ^ (p5 ^ 3527539ULL))), "");
        return LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, acc, i64c(L, -1), ""), i64c(L, 1546275796), acc, "");
    }
    if (kt == ty_bool) return LLVMBuildZExt(L->b, x, L->i64, "");
    if (kt == ty_float64) return cg_call(L, "ember_rt_hash_float", L->i64, &L->f64, &x, 1);
    LLVMValueRef m = i64c(L, (long long)(((uint64_t)1 << 61) - 1));
    if (kt == ty_uint64) return LLVMBuildURem(L->b, x, m, "");
    LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, x, i64c(L, 0), "");
    LLVMValueRef a = LLVMBuildSelect(L->b, neg, LLVMBuildNeg(L->b, x, ""), x, "");
    LLVMValueRef r = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntULT, a, m, ""), a, LLVMBuildURem(L->b, a, m, ""), "");
    LLVMValueRef h = LLVMBuildSelect(L->b, neg, LLVMBuildNeg(L->b, r, ""), r, "");
    return LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, h, i64c(L, -1), ""), i64c(L, -2), h, "hash");
}

/* hash(x) of a tuple of numbers, bools and strings (nested too), as CPython's. */
LLVMValueRef cg_hash(Lower *L, const Type *t, LLVMValueRef x) { return plain_hash(L, t, x); }

/* x (of type kt) as a key is stored: each float with -0.0 made 0.0 */
static LLVMValueRef canonical(Lower *L, const Type *kt, LLVMValueRef x) {
    if (kt->kind == TY_TUPLE) {
        for (int i = 0; i < kt->n; i++)
            x = LLVMBuildInsertValue(L->b, x, canonical(L, kt->elems[i], LLVMBuildExtractValue(L->b, x, (unsigned)i, "")),
                                     (unsigned)i, "");
        return x;
    }
    return kt == ty_float64 ? LLVMBuildFAdd(L->b, x, f64c(L, 0.0), "") : x;
}

/* Whether the key stored at p (of type kt) has the bits of canonical key x */
static LLVMValueRef same_key(Lower *L, const Type *kt, LLVMValueRef p, LLVMValueRef x) {
    if (kt->kind == TY_TUPLE) {
        LLVMValueRef all = NULL;
        for (int i = 0; i < kt->n; i++) {
            LLVMValueRef q = LLVMBuildStructGEP2(L->b, cg_type(L, kt), p, (unsigned)i, "");
            LLVMValueRef eq = same_key(L, kt->elems[i], q, LLVMBuildExtractValue(L->b, x, (unsigned)i, ""));
            all = all ? LLVMBuildAnd(L->b, all, eq, "") : eq;
        }
        return all;
    }
    if (kt == ty_bool) return LLVMBuildICmp(L->b, LLVMIntEQ, LLVMBuildLoad2(L->b, L->i8, p, ""), LLVMBuildZExt(L->b, x, L->i8, ""), "");
    LLVMValueRef bits = kt == ty_float64 ? LLVMBuildBitCast(L->b, x, L->i64, "") : x;
    return LLVMBuildICmp(L->b, LLVMIntEQ, LLVMBuildLoad2(L->b, L->i64, p, ""), bits, "");
}

typedef struct { LLVMValueRef key, hash; } PlainKey;   /* as stored, its hash */

static PlainKey plain_key_of(Lower *L, const Type *dt, LLVMValueRef k, const Type *from) {
    const Type *kt = dt->elems[0];
    PlainKey w = {canonical(L, kt, narrow_key(L, dt, cg_cast(L, k, from, kt))), NULL};
    w.hash = plain_hash(L, kt, w.key);
    return w;
}

/* Slot j of a set's table (entries) tested for w: to `hit` if it holds w, to `empty` if empty,
 * to `other` at a dummy, to `taken` at another key; *hit_from and *empty_from: the blocks that
 * branch to hit and empty. */
static void probe_slot(Lower *L, const Type *dt, LLVMValueRef entries, LLVMValueRef j, PlainKey w, LLVMBasicBlockRef hit,
                       LLVMBasicBlockRef empty, LLVMBasicBlockRef other, LLVMBasicBlockRef taken,
                       LLVMBasicBlockRef *hit_from, LLVMBasicBlockRef *empty_from) {
    LLVMValueRef e = LLVMBuildInBoundsGEP2(L->b, entry_type(L, dt), entries, &j, 1, "");
    LLVMValueRef tag = LLVMBuildLoad2(L->b, L->i64, field(L, dt, e, 0), "tag"), kp = field(L, dt, e, 1);
    LLVMValueRef holds = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, tag, LLVMBuildNot(L->b, w.hash, ""), ""),
                                      same_key(L, dt->elems[0], kp, w.key), "");
    LLVMBasicBlockRef miss = LLVMAppendBasicBlockInContext(L->c, L->func, "probe.miss");
    LLVMBasicBlockRef free_ = LLVMAppendBasicBlockInContext(L->c, L->func, "probe.free");
    *hit_from = LLVMGetInsertBlock(L->b);
    cg_br_expect(L, holds, true, hit, miss);
    LLVMPositionBuilderAtEnd(L->b, miss);   /* not live: empty, or a dummy (its key's first byte 1) */
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, tag, i64c(L, 0), ""), free_, taken);
    LLVMPositionBuilderAtEnd(L->b, free_);
    *empty_from = free_;
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, LLVMBuildLoad2(L->b, L->i8, kp, ""), LLVMConstInt(L->i8, 0, 0), ""),
                    empty, other);
}

/* The next place CPython's probe looks after i: (5i + 1 + perturb) & mask, perturb shifted by
 * 5 first (*shifted: it) */
static LLVMValueRef perturbed(Lower *L, LLVMValueRef i, LLVMValueRef perturb, LLVMValueRef mask, LLVMValueRef *shifted) {
    *shifted = LLVMBuildLShr(L->b, perturb, i64c(L, 5), "");
    LLVMValueRef five = LLVMBuildMul(L->b, i, i64c(L, 5), "");
    return LLVMBuildAnd(L->b, LLVMBuildAdd(L->b, LLVMBuildAdd(L->b, five, i64c(L, 1), ""), *shifted, ""), mask, "");
}

typedef struct { LLVMValueRef entries, hit, empty; } Probed;   /* the table; the slot found, the empty slot */

/* Set d's slots for w in the runtime's order: the home slot (on its own), the linear probes
 * after it, then the next group after each jump (i = 5i + 1 + perturb, perturb >>= 5): to `hit` at
 * the slot holding w, to `empty` at an empty slot, to `none` with no table yet. A dummy is
 * passed over (lookup: dummy NULL) or goes to `dummy` (an add, which would take the last one
 * it passed: the runtime's). */
static Probed set_probe_ir(Lower *L, const Type *dt, LLVMValueRef d, PlainKey w, LLVMBasicBlockRef hit, LLVMBasicBlockRef empty,
                           LLVMBasicBlockRef dummy, LLVMBasicBlockRef none) {
    Probed p;
    p.entries = LLVMBuildLoad2(L->b, L->ptr, word(L, d, 5), "entries");
    LLVMBasicBlockRef start = LLVMAppendBasicBlockInContext(L->c, L->func, "home");
    LLVMBasicBlockRef taken0 = LLVMAppendBasicBlockInContext(L->c, L->func, "home.taken");
    LLVMBasicBlockRef group = LLVMAppendBasicBlockInContext(L->c, L->func, "probe.group");
    LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(L->c, L->func, "probe");
    LLVMBasicBlockRef taken = LLVMAppendBasicBlockInContext(L->c, L->func, "probe.taken");
    LLVMBasicBlockRef jump = LLVMAppendBasicBlockInContext(L->c, L->func, "probe.jump");
    LLVMBasicBlockRef hit_l = LLVMAppendBasicBlockInContext(L->c, L->func, "probe.hit");
    LLVMBasicBlockRef empty_l = LLVMAppendBasicBlockInContext(L->c, L->func, "probe.empty");
    cg_br_expect(L, LLVMBuildIsNull(L->b, p.entries, ""), false, none, start);
    LLVMPositionBuilderAtEnd(L->b, start);
    LLVMValueRef mask = LLVMBuildLoad2(L->b, L->i64, word(L, d, 3), "mask");
    LLVMValueRef home = LLVMBuildAnd(L->b, w.hash, mask, "home");
    LLVMBasicBlockRef hf[2], ef[2];
    probe_slot(L, dt, p.entries, home, w, hit_l, empty_l, dummy ? dummy : taken0, taken0, &hf[0], &ef[0]);
    LLVMPositionBuilderAtEnd(L->b, taken0);
    LLVMValueRef after = LLVMBuildAdd(L->b, home, i64c(L, 1), "");
    LLVMBuildBr(L->b, group);
    LLVMPositionBuilderAtEnd(L->b, group);   /* group i: slots first .. last (runtime/dict.c: LINEAR_PROBES) */
    LLVMValueRef gi = LLVMBuildPhi(L->b, L->i64, "group"), perturb = LLVMBuildPhi(L->b, L->i64, "perturb");
    LLVMValueRef first = LLVMBuildPhi(L->b, L->i64, "first");
    LLVMValueRef far = LLVMBuildAdd(L->b, gi, i64c(L, 9), "");
    LLVMValueRef last = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntULE, far, mask, ""), far, gi, "last");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntULE, first, last, ""), loop, jump);
    LLVMPositionBuilderAtEnd(L->b, loop);
    LLVMValueRef j = LLVMBuildPhi(L->b, L->i64, "slot");
    probe_slot(L, dt, p.entries, j, w, hit_l, empty_l, dummy ? dummy : taken, taken, &hf[1], &ef[1]);
    LLVMPositionBuilderAtEnd(L->b, taken);
    LLVMValueRef j1 = LLVMBuildAdd(L->b, j, i64c(L, 1), "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntULE, j1, last, ""), loop, jump);
    LLVMPositionBuilderAtEnd(L->b, jump);
    LLVMValueRef p1, g1 = perturbed(L, gi, perturb, mask, &p1);
    LLVMBuildBr(L->b, group);
    LLVMValueRef gin[2] = {home, g1}, pin[2] = {w.hash, p1}, fin[2] = {after, g1}, jin[2] = {first, j1};
    LLVMBasicBlockRef gfrom[2] = {taken0, jump}, jfrom[2] = {group, taken};
    LLVMAddIncoming(gi, gin, gfrom, 2);
    LLVMAddIncoming(perturb, pin, gfrom, 2);
    LLVMAddIncoming(first, fin, gfrom, 2);
    LLVMAddIncoming(j, jin, jfrom, 2);
    LLVMValueRef slots[2] = {home, j};
    LLVMPositionBuilderAtEnd(L->b, hit_l);
    p.hit = LLVMBuildPhi(L->b, L->i64, "found");
    LLVMAddIncoming(p.hit, slots, hf, 2);
    LLVMBuildBr(L->b, hit);
    LLVMPositionBuilderAtEnd(L->b, empty_l);
    p.empty = LLVMBuildPhi(L->b, L->i64, "unused");
    LLVMAddIncoming(p.empty, slots, ef, 2);
    LLVMBuildBr(L->b, empty);
    return p;
}

/* ---- dicts of such keys: the probe in generated code ---------------------------------------
 * A dict's lookup and insertion probe the index here as the runtime (runtime/dict.c) probes it,
 * CPython's sequence (i = 5i + perturb + 1, perturb >>= 5): an entry holding the key is found;
 * an empty slot ends the search, the key not in the dict, and an insertion with room left
 * appends its entry and puts its number in that slot, as the runtime would. An insertion that
 * passes a deleted entry's slot (it would take the first), finds no room, or finds no table
 * yet goes to the runtime. */
static bool inline_dict(const Type *dt) { return dt->kind == TY_DICT && !dt->attr && plain_key(dt->elems[0]); }

/* Dict d's slots for w: to `hit` at the entry holding w (*n: its number), to `empty` at an empty
 * slot (*slot: its address in the index), to `none` with no table; a deleted entry's slot is
 * passed over (lookup) or goes to `other` (insertion: other non-NULL). */
static void dict_probe(Lower *L, const Type *dt, LLVMValueRef d, PlainKey w, LLVMBasicBlockRef hit, LLVMBasicBlockRef empty,
                       LLVMBasicBlockRef none, LLVMBasicBlockRef other, LLVMValueRef *n, LLVMValueRef *slot) {
    LLVMValueRef index = LLVMBuildLoad2(L->b, L->ptr, word(L, d, 6), "index");
    LLVMBasicBlockRef start = LLVMAppendBasicBlockInContext(L->c, L->func, "dprobe.start");
    LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(L->c, L->func, "dprobe");
    LLVMBasicBlockRef live = LLVMAppendBasicBlockInContext(L->c, L->func, "dprobe.entry");
    LLVMBasicBlockRef free_ = LLVMAppendBasicBlockInContext(L->c, L->func, "dprobe.free");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "dprobe.next");
    cg_br_expect(L, LLVMBuildIsNull(L->b, index, ""), false, none, start);
    LLVMPositionBuilderAtEnd(L->b, start);
    LLVMValueRef mask = LLVMBuildLoad2(L->b, L->i64, word(L, d, 3), "mask");
    LLVMValueRef entries = LLVMBuildLoad2(L->b, L->ptr, word(L, d, 5), "entries");
    LLVMValueRef i0 = LLVMBuildAnd(L->b, w.hash, mask, "");
    LLVMBuildBr(L->b, loop);
    LLVMPositionBuilderAtEnd(L->b, loop);
    LLVMValueRef i = LLVMBuildPhi(L->b, L->i64, "i"), perturb = LLVMBuildPhi(L->b, L->i64, "perturb");
    *slot = LLVMBuildInBoundsGEP2(L->b, L->i64, index, &i, 1, "");
    *n = LLVMBuildLoad2(L->b, L->i64, *slot, "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSGE, *n, i64c(L, 0), ""), live, free_);
    LLVMPositionBuilderAtEnd(L->b, live);
    LLVMValueRef e = LLVMBuildInBoundsGEP2(L->b, entry_type(L, dt), entries, n, 1, "");
    LLVMValueRef holds = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, LLVMBuildLoad2(L->b, L->i64, field(L, dt, e, 0), ""), w.hash, ""),
                                      same_key(L, dt->elems[0], field(L, dt, e, 2), w.key), "");
    cg_br_expect(L, holds, true, hit, next);
    LLVMPositionBuilderAtEnd(L->b, free_);   /* -1 empty, -2 a deleted entry's */
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, *n, i64c(L, -1), ""), empty, other ? other : next);
    LLVMPositionBuilderAtEnd(L->b, next);
    LLVMValueRef p1, i1 = perturbed(L, i, perturb, mask, &p1);
    LLVMBuildBr(L->b, loop);
    LLVMValueRef iv[2] = {i0, i1}, pv[2] = {w.hash, p1};
    LLVMBasicBlockRef from[2] = {start, next};
    LLVMAddIncoming(i, iv, from, 2);
    LLVMAddIncoming(perturb, pv, from, 2);
}

static LLVMValueRef join_phi(Lower *L, LLVMBasicBlockRef join, LLVMValueRef *vals, LLVMBasicBlockRef *from, unsigned n,
                             const char *name) {
    LLVMPositionBuilderAtEnd(L->b, join);
    LLVMValueRef phi = LLVMBuildPhi(L->b, L->i64, name);
    LLVMAddIncoming(phi, vals, from, n);
    return phi;
}

/* A lookup's ends: the probe goes to hit or miss; found() joins them. */
typedef struct { LLVMBasicBlockRef hit, miss; } Lookup;

static Lookup lookup_ends(Lower *L) {
    return (Lookup){LLVMAppendBasicBlockInContext(L->c, L->func, "found.hit"), LLVMAppendBasicBlockInContext(L->c, L->func, "found.miss")};
}

/* n (the entry or slot found) where the lookup hit, -1 where it missed */
static LLVMValueRef found(Lower *L, Lookup e, LLVMValueRef n) {
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "found");
    LLVMPositionBuilderAtEnd(L->b, e.hit);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, e.miss);
    LLVMBuildBr(L->b, join);
    LLVMValueRef vals[2] = {n, i64c(L, -1)};
    LLVMBasicBlockRef from[2] = {e.hit, e.miss};
    return join_phi(L, join, vals, from, 2, "found");
}

/* The entry number of k in dict d, or -1 */
static LLVMValueRef dict_find(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef k, const Type *kt) {
    PlainKey w = plain_key_of(L, dt, k, kt);
    Lookup e = lookup_ends(L);
    LLVMValueRef n, slot;
    dict_probe(L, dt, d, w, e.hit, e.miss, e.miss, NULL, &n, &slot);
    return found(L, e, n);
}

/* The slot of k in dict d for d[k] = v: 2*entry + (1 if the entry is new, its value not set) */
static LLVMValueRef dict_slot(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef k, const Type *kt) {
    PlainKey w = plain_key_of(L, dt, k, kt);
    LLVMBasicBlockRef hit = LLVMAppendBasicBlockInContext(L->c, L->func, "dset.hit");
    LLVMBasicBlockRef empty = LLVMAppendBasicBlockInContext(L->c, L->func, "dset.empty");
    LLVMBasicBlockRef put = LLVMAppendBasicBlockInContext(L->c, L->func, "dset.append");
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(L->c, L->func, "dset.probe");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "dset.done");
    LLVMValueRef n, slot, ka[3];
    dict_probe(L, dt, d, w, hit, empty, slow, slow, &n, &slot);
    LLVMPositionBuilderAtEnd(L->b, hit);
    LLVMValueRef r_hit = LLVMBuildShl(L->b, n, i64c(L, 1), "");
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, empty);   /* room for one more entry, as the runtime's test */
    LLVMValueRef used = dict_used(L, d), u1 = LLVMBuildAdd(L->b, used, i64c(L, 1), "");
    LLVMValueRef size = LLVMBuildAdd(L->b, LLVMBuildLoad2(L->b, L->i64, word(L, d, 3), "mask"), i64c(L, 1), "");
    LLVMValueRef room = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntSLE, u1, LLVMBuildLoad2(L->b, L->i64, word(L, d, 2), "cap"), ""),
                                     LLVMBuildICmp(L->b, LLVMIntSLE, LLVMBuildMul(L->b, u1, i64c(L, 3), ""),
                                                   LLVMBuildMul(L->b, size, i64c(L, 2), ""), ""), "");
    cg_br_expect(L, room, true, put, slow);
    LLVMPositionBuilderAtEnd(L->b, put);
    LLVMValueRef e = entry_ptr(L, dt, d, used);
    LLVMTypeRef pt[4] = {L->ptr, L->i8, L->i64, L->i1};
    LLVMValueRef a[4] = {e, LLVMConstInt(L->i8, 0, 0), size_of(L, entry_type(L, dt)), LLVMConstInt(L->i1, 0, 0)};
    cg_call(L, "llvm.memset.p0.i64", L->voidt, pt, a, 4);
    LLVMBuildStore(L->b, w.hash, field(L, dt, e, 0));
    LLVMBuildStore(L->b, i64c(L, 1), field(L, dt, e, 1));
    store_key(L, dt->elems[0], field(L, dt, e, 2), w.key);
    LLVMBuildStore(L->b, used, slot);
    LLVMBuildStore(L->b, u1, word(L, d, 1));
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, dict_len(L, d), i64c(L, 1), ""), word(L, d, 0));
    LLVMValueRef r_new = LLVMBuildAdd(L->b, LLVMBuildShl(L->b, used, i64c(L, 1), ""), i64c(L, 1), "");
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, slow);
    key_args(L, dt, k, kt, ka);
    LLVMValueRef r = slot_of(L, d, ka);
    LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMValueRef vals[3] = {r_hit, r_new, r};
    LLVMBasicBlockRef from[3] = {hit, put, slow_end};
    return join_phi(L, join, vals, from, 3, "slot");
}


static LLVMValueRef find(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef k, const Type *kt) {
    LLVMValueRef ka[3];
    if (inline_dict(dt)) return dict_find(L, dt, d, k, kt);
    if (!inline_set(dt)) {
        key_args(L, dt, k, kt, ka);
        return rt_call3(L, "ember_rt_dict_lookup", d, ka);
    }
    PlainKey w = plain_key_of(L, dt, k, kt);   /* (the probe: see inline_set) */
    Lookup e = lookup_ends(L);
    return found(L, e, set_probe_ir(L, dt, d, w, e.hit, e.miss, NULL, e.miss).hit);
}

LLVMValueRef cg_dict_getitem(Lower *L, Instr *in) {
    const Type *dt = L->ti->vtypes[in->args[0]], *kt = L->ti->vtypes[in->args[1]];
    LLVMValueRef d = L->vals[in->args[0]], k = L->vals[in->args[1]];
    LLVMValueRef i = find(L, dt, d, k, kt);
    key_error_unless(L, LLVMBuildICmp(L->b, LLVMIntSGE, i, i64c(L, 0), ""), k, kt);
    return load_value(L, dt, entry_ptr(L, dt, d, i));
}

/* Remove key k: its value, the dict's reference now the caller's (a set's: NULL). */
static LLVMValueRef take(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef k, const Type *kt, LLVMValueRef *found) {
    LLVMValueRef ka[3];
    key_args(L, dt, k, kt, ka);
    LLVMValueRef i = rt_call3(L, "ember_rt_dict_remove", d, ka);
    *found = LLVMBuildICmp(L->b, LLVMIntSGE, i, i64c(L, 0), "");
    if (dt->kind == TY_SET) return NULL;   /* (no value) */
    LLVMValueRef safe = LLVMBuildSelect(L->b, *found, i, i64c(L, 0), "");
    /* entry 0 exists when nothing was found only if the dict is not empty: read it guarded */
    LLVMValueRef slot = cg_entry_alloca(L, cg_type(L, dt->elems[1]), "taken");
    LLVMBuildStore(L->b, LLVMConstNull(cg_type(L, dt->elems[1])), slot);
    LLVMBasicBlockRef rd = LLVMAppendBasicBlockInContext(L->c, L->func, "taken");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "take.done");
    LLVMBuildCondBr(L->b, *found, rd, join);
    LLVMPositionBuilderAtEnd(L->b, rd);
    LLVMBuildStore(L->b, load_value(L, dt, entry_ptr(L, dt, d, safe)), slot);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return LLVMBuildLoad2(L->b, cg_type(L, dt->elems[1]), slot, "");
}

void cg_dict_delitem(Lower *L, Instr *in) {
    const Type *dt = L->ti->vtypes[in->args[0]], *kt = L->ti->vtypes[in->args[1]];
    LLVMValueRef found, v = take(L, dt, L->vals[in->args[0]], L->vals[in->args[1]], kt, &found);
    key_error_unless(L, found, L->vals[in->args[1]], kt);
    if (ty_has_refs(dt->elems[1])) cg_decref(L, v, dt->elems[1]);
}

/* for each live entry e of d: body(e) */
typedef void (*EntryBody)(Lower *L, const Type *dt, LLVMValueRef e, void *env);
static void each_entry(Lower *L, const Type *dt, LLVMValueRef d, EntryBody body, void *env);

typedef struct { LLVMValueRef x, found; const Type *xt; } SeekEnv;

static void seek_value(Lower *L, const Type *dt, LLVMValueRef e, void *env_) {
    SeekEnv *env = env_;
    LLVMValueRef eq = cg_cmp_any(L, IRC_EQ, load_value(L, dt, e), dt->elems[1], env->x, env->xt);
    LLVMBuildStore(L->b, LLVMBuildOr(L->b, LLVMBuildLoad2(L->b, L->i1, env->found, ""), eq, ""), env->found);
}

/* k in d (and in d.keys()); v in d.values() compares each value; (k, v) in d.items() finds k
 * and compares its value */
LLVMValueRef cg_dict_contains(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef k, const Type *kt) {
    if (dt->attr && dt->attr[0] == 'v') {
        SeekEnv env = {k, cg_entry_alloca(L, L->i1, "seen"), kt};
        LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), env.found);
        each_entry(L, dt, d, seek_value, &env);
        return LLVMBuildLoad2(L->b, L->i1, env.found, "");
    }
    if (dt->attr && dt->attr[0] == 'i') {
        LLVMValueRef i = find(L, dt, d, LLVMBuildExtractValue(L->b, k, 0, ""), kt->elems[0]);
        LLVMValueRef has = LLVMBuildICmp(L->b, LLVMIntSGE, i, i64c(L, 0), "");
        LLVMValueRef slot = cg_entry_alloca(L, L->i1, "hasitem");
        LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), slot);
        LLVMBasicBlockRef cmp = LLVMAppendBasicBlockInContext(L->c, L->func, "itemvalue");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "itemdone");
        LLVMBuildCondBr(L->b, has, cmp, join);
        LLVMPositionBuilderAtEnd(L->b, cmp);
        LLVMValueRef v = load_value(L, dt, entry_ptr(L, dt, d, i));
        LLVMBuildStore(L->b, cg_cmp_any(L, IRC_EQ, v, dt->elems[1], LLVMBuildExtractValue(L->b, k, 1, ""), kt->elems[1]), slot);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        return LLVMBuildLoad2(L->b, L->i1, slot, "");
    }
    return LLVMBuildICmp(L->b, LLVMIntSGE, find(L, dt, d, k, kt), i64c(L, 0), "");
}

/* ---- iteration: {dict, k, key, len at the start} ------------------------------------------
 * As CPython's iterators, each step checks that the length has not changed since the first:
 * adding or removing keys while iterating raises RuntimeError (and cannot loop forever). */
void cg_dict_iter_init(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef state, LLVMTypeRef st) {
    cg_incref(L, d, dt);
    cg_own(L, d, dt);
    LLVMBuildStore(L->b, d, LLVMBuildStructGEP2(L->b, st, state, 0, ""));
    LLVMBuildStore(L->b, i64c(L, 0), LLVMBuildStructGEP2(L->b, st, state, 1, ""));
    LLVMBuildStore(L->b, dict_len(L, d), LLVMBuildStructGEP2(L->b, st, state, 3, ""));
}

LLVMValueRef cg_dict_iter_more(Lower *L, const Type *dt, LLVMValueRef state, LLVMTypeRef st) {
    LLVMValueRef d = LLVMBuildLoad2(L->b, L->ptr, LLVMBuildStructGEP2(L->b, st, state, 0, ""), "");
    LLVMValueRef n0 = LLVMBuildLoad2(L->b, L->i64, LLVMBuildStructGEP2(L->b, st, state, 3, ""), "");
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, dict_len(L, d), n0, ""), "builtins:RuntimeError",
                dt->kind == TY_SET ? "Set changed size during iteration" : "dictionary changed size during iteration");
    /* k: the first live entry from the state's on, or -1: a dict's entry number; a set's slot
     * in its table, which is its entry (runtime/dict.c: CPython's order) */
    LLVMValueRef kp = LLVMBuildStructGEP2(L->b, st, state, 1, "");
    LLVMValueRef start = LLVMBuildLoad2(L->b, L->i64, kp, ""), used = dict_used(L, d);
    LLVMValueRef entries = LLVMBuildLoad2(L->b, L->ptr, word(L, d, 5), "entries");
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef scan = LLVMAppendBasicBlockInContext(L->c, L->func, "iter.scan");
    LLVMBasicBlockRef test = LLVMAppendBasicBlockInContext(L->c, L->func, "iter.live");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "iter.skip");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "iter.found");
    LLVMBuildBr(L->b, scan);
    LLVMPositionBuilderAtEnd(L->b, scan);
    LLVMValueRef k = LLVMBuildPhi(L->b, L->i64, "k");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, k, used, ""), test, done);
    LLVMPositionBuilderAtEnd(L->b, test);
    LLVMValueRef e = LLVMBuildInBoundsGEP2(L->b, entry_type(L, dt), entries, &k, 1, "");
    LLVMValueRef live = LLVMBuildLoad2(L->b, L->i64, field(L, dt, e, live_field(dt)), "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntNE, live, i64c(L, 0), ""), done, next);
    LLVMPositionBuilderAtEnd(L->b, next);
    LLVMValueRef k1 = LLVMBuildAdd(L->b, k, i64c(L, 1), "");
    LLVMBuildBr(L->b, scan);
    LLVMValueRef kin[2] = {start, k1};
    LLVMBasicBlockRef kfrom[2] = {pre, next};
    LLVMAddIncoming(k, kin, kfrom, 2);
    LLVMPositionBuilderAtEnd(L->b, done);
    LLVMValueRef r = LLVMBuildPhi(L->b, L->i64, "next");
    LLVMValueRef rin[2] = {i64c(L, -1), k};
    LLVMBasicBlockRef rfrom[2] = {scan, test};
    LLVMAddIncoming(r, rin, rfrom, 2);
    LLVMBuildStore(L->b, r, kp);
    return LLVMBuildICmp(L->b, LLVMIntSGE, r, i64c(L, 0), "");
}

void cg_dict_iter_step(Lower *L, const Type *dt, LLVMValueRef state, LLVMTypeRef st) {
    LLVMValueRef d = LLVMBuildLoad2(L->b, L->ptr, LLVMBuildStructGEP2(L->b, st, state, 0, ""), "");
    LLVMValueRef kp = LLVMBuildStructGEP2(L->b, st, state, 1, "");
    LLVMValueRef k = LLVMBuildLoad2(L->b, L->i64, kp, "");
    LLVMValueRef e = entry_ptr(L, dt, d, k);
    LLVMValueRef key = LLVMBuildLoad2(L->b, cg_type(L, dt->elems[0]), field(L, dt, e, key_field(dt)), ""), x = key;
    if (dt->attr && dt->attr[0] == 'v') x = load_value(L, dt, e);   /* d.values() */
    if (dt->attr && dt->attr[0] == 'i') {                            /* d.items() */
        LLVMTypeRef pt = cg_type(L, ti_iter_value_type(dt));
        x = LLVMBuildInsertValue(L->b, LLVMBuildInsertValue(L->b, LLVMGetUndef(pt), key, 0, ""), load_value(L, dt, e), 1, "");
    }
    LLVMBuildStore(L->b, x, LLVMBuildStructGEP2(L->b, st, state, 2, ""));
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, k, i64c(L, 1), ""), kp);
}

static void each_entry(Lower *L, const Type *dt, LLVMValueRef d, EntryBody body, void *env) {
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, dict_used(L, d));
    LLVMValueRef e = entry_ptr(L, dt, d, i);
    LLVMBasicBlockRef live = LLVMAppendBasicBlockInContext(L->c, L->func, "live");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "nextentry");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntNE, LLVMBuildLoad2(L->b, L->i64, field(L, dt, e, live_field(dt)), ""), i64c(L, 0), ""),
                    live, next);
    LLVMPositionBuilderAtEnd(L->b, live);
    body(L, dt, e, env);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
    cg_loop_end(L, &lc);
}

static bool entries_hold_refs(const Type *dt) { return ty_has_refs(dt->elems[0]) || ty_has_refs(dt->elems[1]); }

static void drop_entry(Lower *L, const Type *dt, LLVMValueRef e, void *env) {
    if (ty_has_refs(dt->elems[0])) cg_decref(L, LLVMBuildLoad2(L->b, cg_type(L, dt->elems[0]), field(L, dt, e, key_field(dt)), ""), dt->elems[0]);
    if (ty_has_refs(dt->elems[1])) cg_decref(L, load_value(L, dt, e), dt->elems[1]);
}

static LLVMValueRef drop_entries(Lower *L, const Type *dt, LLVMValueRef d) {
    each_entry(L, dt, d, drop_entry, NULL);
    return NULL;
}

void cg_dict_free(Lower *L, LLVMValueRef p, const Type *dt) {
    LLVMTypeRef pt = L->ptr;
    if (entries_hold_refs(dt)) cg_call_drop(L, p, dt, drop_entries, "ember_rt_dict_free");
    else cg_call(L, "ember_rt_dict_free", L->voidt, &pt, &p, 1);
}

/* Empty d, dropping what its entries hold. */
static void clear(Lower *L, const Type *dt, LLVMValueRef d) {
    if (entries_hold_refs(dt)) drop_entries(L, dt, d);
    cg_call(L, "ember_rt_dict_clear", L->voidt, &L->ptr, &d, 1);
}

/* ---- methods --------------------------------------------------------------------------- */
typedef struct { const Type *dt; LLVMValueRef to; } CopyEnv;

static void copy_item(Lower *L, const Type *dt, LLVMValueRef e, void *env_) {
    CopyEnv *env = env_;
    char desc[128] = "";
    ty_value_layout(dt->elems[0], desc, sizeof desc, false);
    LLVMValueRef ka[3] = {cg_cstring(L, desc), size_of(L, cg_type(L, dt->elems[0])), field(L, dt, e, 2)};
    set_with(L, env->dt, env->to, ka, load_value(L, dt, e));
}

typedef struct { const Type *dt; LLVMValueRef d; } PairEnv;

static void add_pair(Lower *L, LLVMValueRef kv, const Type *t, void *env_) {
    PairEnv *env = env_;
    set_item(L, env->dt, env->d, LLVMBuildExtractValue(L->b, kv, 0, ""), t->elems[0], LLVMBuildExtractValue(L->b, kv, 1, ""),
             t->elems[1]);
}

/* dict(), dict(mapping or pairs), dict(**kw): typeinfer/containers.c's type_dict_call */
static LLVMValueRef dict_of(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *dt = ci->ret;
    LLVMValueRef d = cg_own(L, new_dict(L, dt), dt);
    if (!ci->nparams) return d;   /* (also Dict.empty(key_type=..., value_type=...): its keywords are types) */
    int npos = ci->nparams - in->nkw;
    if (npos && types[0]->kind == TY_DICT) {
        CopyEnv env = {dt, d};
        each_entry(L, types[0], args[0], copy_item, &env);
    } else if (npos) {
        PairEnv env = {dt, d};
        cg_for_each(L, types[0], args[0], add_pair, &env);
    }
    for (int j = 0; j < in->nkw; j++)
        set_item(L, dt, d, cg_str_literal(L, in->kwnames[j]), ty_str, args[npos + j], types[npos + j]);
    return d;
}

LLVMValueRef cg_dict_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    if (ci->builtin == LB_DICT) return dict_of(L, in, ci, args, types);
    const Type *dt = L->ti->vtypes[in->args[0]]->recv, *vt_ = dt->elems[1];
    LLVMValueRef d = L->vals[in->args[0]];
    switch (ci->builtin) {
    case DM_GET: {
        LLVMValueRef i = find(L, dt, d, args[0], ci->params[0]);
        LLVMValueRef found = LLVMBuildICmp(L->b, LLVMIntSGE, i, i64c(L, 0), "");
        LLVMValueRef slot = cg_entry_alloca(L, cg_type(L, vt_), "got");
        LLVMBuildStore(L->b, ci->nparams == 2 ? args[1] : LLVMConstNull(cg_type(L, vt_)), slot);
        LLVMBasicBlockRef rd = LLVMAppendBasicBlockInContext(L->c, L->func, "get");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "got");
        LLVMBuildCondBr(L->b, found, rd, join);
        LLVMPositionBuilderAtEnd(L->b, rd);
        LLVMBuildStore(L->b, load_value(L, dt, entry_ptr(L, dt, d, i)), slot);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        LLVMValueRef v = LLVMBuildLoad2(L->b, cg_type(L, vt_), slot, "");
        if (ci->nparams == 2) return v;
        LLVMValueRef r = LLVMBuildInsertValue(L->b, LLVMGetUndef(cg_type(L, ci->ret)), found, 0, "");   /* {found, value} */
        return LLVMBuildInsertValue(L->b, r, v, 1, "");
    }
    case DM_SETDEFAULT: {
        LLVMValueRef ka[3];
        key_args(L, dt, args[0], ci->params[0], ka);
        LLVMValueRef i = rt_call3(L, "ember_rt_dict_lookup", d, ka);
        LLVMBasicBlockRef add = LLVMAppendBasicBlockInContext(L->c, L->func, "setdefault");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "hasdefault");
        LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, i, i64c(L, 0), ""), add, join);
        LLVMPositionBuilderAtEnd(L->b, add);
        set_with(L, dt, d, ka, args[1]);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        return load_value(L, dt, entry_ptr(L, dt, d, rt_call3(L, "ember_rt_dict_lookup", d, ka)));
    }
    case DM_POP: {
        LLVMValueRef found, v = take(L, dt, d, args[0], ci->params[0], &found);
        if (ci->nparams == 1) key_error_unless(L, found, args[0], ci->params[0]);
        else v = LLVMBuildSelect(L->b, found, v, args[1], "");
        if (!ty_has_refs(vt_)) return v;
        if (ci->nparams == 2) {   /* the default is borrowed: take a reference to own it like a popped value */
            LLVMBasicBlockRef inc = LLVMAppendBasicBlockInContext(L->c, L->func, "default");
            LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "popped");
            LLVMBuildCondBr(L->b, found, join, inc);
            LLVMPositionBuilderAtEnd(L->b, inc);
            cg_incref(L, v, vt_);
            LLVMBuildBr(L->b, join);
            LLVMPositionBuilderAtEnd(L->b, join);
        }
        return cg_own(L, v, vt_);
    }
    case DM_POPITEM: {   /* the last entry inserted */
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, dict_len(L, d), i64c(L, 0), ""), "builtins:KeyError",
                    "popitem(): dictionary is empty");
        LLVMValueRef last = cg_entry_alloca(L, L->i64, "last");
        LLVMBuildStore(L->b, LLVMBuildSub(L->b, dict_used(L, d), i64c(L, 1), ""), last);
        LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(L->c, L->func, "findlast");
        LLVMBasicBlockRef back = LLVMAppendBasicBlockInContext(L->c, L->func, "dead");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "foundlast");
        LLVMBuildBr(L->b, head);
        LLVMPositionBuilderAtEnd(L->b, head);
        LLVMValueRef i = LLVMBuildLoad2(L->b, L->i64, last, "");
        LLVMValueRef e = entry_ptr(L, dt, d, i);
        LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntNE, LLVMBuildLoad2(L->b, L->i64, field(L, dt, e, 1), ""), i64c(L, 0), ""),
                        done, back);
        LLVMPositionBuilderAtEnd(L->b, back);
        LLVMBuildStore(L->b, LLVMBuildSub(L->b, i, i64c(L, 1), ""), last);
        LLVMBuildBr(L->b, head);
        LLVMPositionBuilderAtEnd(L->b, done);
        LLVMValueRef k = LLVMBuildLoad2(L->b, cg_type(L, dt->elems[0]), field(L, dt, e, 2), "");
        LLVMValueRef v = load_value(L, dt, e);
        if (ty_has_refs(dt->elems[0])) cg_incref(L, k, dt->elems[0]);   /* removing drops the dict's */
        char desc[128] = "";
        ty_value_layout(dt->elems[0], desc, sizeof desc, false);
        LLVMValueRef ka[3] = {cg_cstring(L, desc), size_of(L, cg_type(L, dt->elems[0])), field(L, dt, e, 2)};
        rt_call3(L, "ember_rt_dict_remove", d, ka);
        LLVMValueRef r = LLVMBuildInsertValue(L->b, LLVMBuildInsertValue(L->b, LLVMGetUndef(cg_type(L, ci->ret)), k, 0, ""), v, 1, "");
        return ty_has_refs(ci->ret) ? cg_own(L, r, ci->ret) : r;
    }
    case DM_UPDATE: {
        CopyEnv env = {dt, d};
        each_entry(L, types[0], L->vals[in->args[ci->argmap[0]]], copy_item, &env);
        break;
    }
    case DM_ITEMS: case DM_KEYS: case DM_VALUES:   /* a live view: the dict itself, one more reference */
        cg_incref(L, d, dt);
        return cg_own(L, d, ci->ret);
    case DM_CLEAR:
        clear(L, dt, d);
        break;
    case DM_COPY: {
        LLVMValueRef r = cg_own(L, new_dict(L, dt), dt);
        CopyEnv env = {dt, r};
        each_entry(L, dt, d, copy_item, &env);
        return r;
    }
    default:
        return NULL;
    }
    return LLVMConstInt(L->i8, 0, 0);
}

/* ---- sets: dicts of key -> None -------------------------------------------------------- */
static void add_key(Lower *L, const Type *st, LLVMValueRef s, LLVMValueRef k, const Type *kt) {
    LLVMValueRef ka[3];
    if (!inline_set(st)) {
        key_args(L, st, k, kt, ka);
        set_with(L, st, s, ka, LLVMConstInt(L->i8, 0, 0));
        return;
    }
    PlainKey w = plain_key_of(L, st, k, kt);   /* (the probe: see inline_set) */
    LLVMBasicBlockRef put = LLVMAppendBasicBlockInContext(L->c, L->func, "add.home");
    LLVMBasicBlockRef grow = LLVMAppendBasicBlockInContext(L->c, L->func, "add.grow");
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(L->c, L->func, "add.probe");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "add.done");
    Probed p = set_probe_ir(L, st, s, w, join, put, slow, slow);
    LLVMPositionBuilderAtEnd(L->b, put);
    LLVMValueRef e = LLVMBuildInBoundsGEP2(L->b, entry_type(L, st), p.entries, &p.empty, 1, "");
    LLVMBuildStore(L->b, LLVMBuildNot(L->b, w.hash, ""), field(L, st, e, 0));
    store_key(L, st->elems[0], field(L, st, e, 1), w.key);   /* (into an empty slot: its padding zero) */
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, dict_len(L, s), i64c(L, 1), ""), word(L, s, 0));
    LLVMValueRef fill = LLVMBuildAdd(L->b, LLVMBuildLoad2(L->b, L->i64, word(L, s, 8), "fill"), i64c(L, 1), "");
    LLVMBuildStore(L->b, fill, word(L, s, 8));
    LLVMValueRef mask = LLVMBuildLoad2(L->b, L->i64, word(L, s, 3), "mask");
    LLVMValueRef full = LLVMBuildICmp(L->b, LLVMIntSGE, LLVMBuildMul(L->b, fill, i64c(L, 5), ""),
                                      LLVMBuildMul(L->b, mask, i64c(L, 3), ""), "");
    cg_br_expect(L, full, false, grow, join);
    LLVMPositionBuilderAtEnd(L->b, grow);
    cg_check_status(L, cg_call(L, "ember_rt_set_grow", L->i32, &L->ptr, &s, 1));
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, slow);
    key_args(L, st, k, kt, ka);
    slot_of(L, s, ka);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
}

LLVMValueRef cg_set_literal(Lower *L, Instr *in) {
    const Type *st = L->ti->vtypes[in->id];
    LLVMValueRef s = cg_own(L, new_dict(L, st), st);
    if (in->imm && in->nargs) {   /* {1, 2, 3}: CPython merges a frozenset constant, making room first */
        LLVMTypeRef pt[2] = {L->ptr, L->i64};
        LLVMValueRef a[2] = {s, i64c(L, in->nargs)};
        LLVMValueRef rc = cg_call(L, "ember_rt_set_reserve", L->i32, pt, a, 2);
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, rc, LLVMConstInt(L->i32, 0, 0), ""), NULL, NULL);
    }
    for (int i = 0; i < in->nargs; i++) add_key(L, st, s, L->vals[in->args[i]], L->ti->vtypes[in->args[i]]);
    return s;
}

void cg_set_add(Lower *L, Instr *in) {
    add_key(L, L->ti->vtypes[in->args[0]], L->vals[in->args[0]], L->vals[in->args[1]], L->ti->vtypes[in->args[1]]);
}

typedef struct { const Type *st; LLVMValueRef s; } AddEnv;

static void add_each(Lower *L, LLVMValueRef v, const Type *vt_, void *env) {
    AddEnv *e = env;
    add_key(L, e->st, e->s, v, vt_);
}

static void add_iter(Lower *L, const Type *st, LLVMValueRef s, const Type *it, LLVMValueRef x) {
    AddEnv env = {st, s};
    cg_for_each(L, it, x, add_each, &env);
}

/* The runtime's set operations (runtime/dict.c), in CPython's steps so results iterate in its
 * order: a op b as a new set (op 'c': a copy of a), or a op= b in place. */
static void set_rt_args(Lower *L, const Type *st, LLVMValueRef *a) {
    char desc[128] = "";
    ty_value_layout(st->elems[0], desc, sizeof desc, false);
    a[3] = cg_cstring(L, desc);
    a[4] = size_of(L, cg_type(L, st->elems[0]));
}

static LLVMValueRef set_op(Lower *L, const Type *st, int op, LLVMValueRef a, LLVMValueRef b) {
    LLVMTypeRef pt[5] = {L->i32, L->ptr, L->ptr, L->ptr, L->i64};
    LLVMValueRef args[5] = {LLVMConstInt(L->i32, (unsigned)op, 0), a, b};
    set_rt_args(L, st, args);
    LLVMValueRef r = cg_call(L, "ember_rt_set_op", L->ptr, pt, args, 5);
    cg_raise_if(L, LLVMBuildIsNull(L->b, r, ""), NULL, NULL);
    return cg_own(L, r, st);
}

static void set_update(Lower *L, const Type *st, int op, LLVMValueRef a, LLVMValueRef b) {
    LLVMTypeRef pt[5] = {L->i32, L->ptr, L->ptr, L->ptr, L->i64};
    LLVMValueRef args[5] = {LLVMConstInt(L->i32, (unsigned)op, 0), a, b};
    set_rt_args(L, st, args);
    LLVMValueRef rc = cg_call(L, "ember_rt_set_update", L->i32, pt, args, 5);
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, rc, LLVMConstInt(L->i32, 0, 0), ""), NULL, NULL);
}

/* a <= b ('s'), a < b ('<'), a == b ('='), or a and b disjoint ('d'), by the runtime */
static LLVMValueRef set_test(Lower *L, const Type *st, int op, LLVMValueRef a, LLVMValueRef b) {
    LLVMTypeRef pt[5] = {L->i32, L->ptr, L->ptr, L->ptr, L->i64};
    LLVMValueRef args[5] = {LLVMConstInt(L->i32, (unsigned)op, 0), a, b};
    set_rt_args(L, st, args);
    LLVMValueRef r = cg_call(L, "ember_rt_set_test", L->i32, pt, args, 5);
    return LLVMBuildICmp(L->b, LLVMIntNE, r, LLVMConstInt(L->i32, 0, 0), "");
}

static LLVMValueRef copy_set(Lower *L, const Type *st, LLVMValueRef a) { return set_op(L, st, 'c', a, a); }

static int op_char(int irb) { return irb == IRB_OR ? '|' : irb == IRB_AND ? '&' : irb == IRB_SUB ? '-' : '^'; }

/* s.update(x) and set(x): a set merges as CPython merges one; a dict's keys make room first */
static void update_from(Lower *L, const Type *st, LLVMValueRef s, const Type *xt, LLVMValueRef x) {
    if (xt->kind == TY_SET) {
        set_update(L, st, '|', s, x);
        return;
    }
    if (xt->kind == TY_DICT && !xt->attr) {
        LLVMTypeRef pt[2] = {L->ptr, L->i64};
        LLVMValueRef a[2] = {s, dict_len(L, x)};
        LLVMValueRef rc = cg_call(L, "ember_rt_set_reserve", L->i32, pt, a, 2);
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, rc, LLVMConstInt(L->i32, 0, 0), ""), NULL, NULL);
    }
    add_iter(L, st, s, xt, x);
}

/* x as a set of type st: x itself, or a new set of the items of any other iterable (a keys or
 * items view, a list, ...) added in its order, as CPython makes a set of an argument */
static LLVMValueRef as_set(Lower *L, const Type *st, LLVMValueRef x, const Type *xt) {
    if (xt->kind == TY_SET) return x;
    LLVMValueRef s = cg_own(L, new_dict(L, st), st);
    add_iter(L, st, s, xt, x);
    return s;
}

typedef struct { const Type *st; LLVMValueRef s, r; } KeepEnv;

static void keep_common(Lower *L, LLVMValueRef v, const Type *vt_, void *env_) {
    KeepEnv *e = env_;
    LLVMBasicBlockRef keep = LLVMAppendBasicBlockInContext(L->c, L->func, "common");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "common.next");
    LLVMBuildCondBr(L->b, cg_dict_contains(L, e->st, e->s, v, vt_), keep, next);
    LLVMPositionBuilderAtEnd(L->b, keep);
    add_key(L, e->st, e->r, v, vt_);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
}

/* s & x of an iterable x, as CPython's set_intersection makes it: x's items that s holds, added
 * in x's order */
static LLVMValueRef common_items(Lower *L, const Type *st, LLVMValueRef s, const Type *xt, LLVMValueRef x) {
    KeepEnv env = {st, s, cg_own(L, new_dict(L, st), st)};
    cg_for_each(L, xt, x, keep_common, &env);
    return env.r;
}

static void toggle_key(Lower *L, LLVMValueRef v, const Type *vt_, void *env) {
    AddEnv *e = env;
    LLVMValueRef found;
    take(L, e->st, e->s, v, vt_, &found);
    LLVMBasicBlockRef add = LLVMAppendBasicBlockInContext(L->c, L->func, "toggle.add");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "toggle.next");
    LLVMBuildCondBr(L->b, found, next, add);
    LLVMPositionBuilderAtEnd(L->b, add);
    add_key(L, e->st, e->s, v, vt_);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
}

static bool plain_dict(const Type *t) { return t->kind == TY_DICT && !t->attr; }

/* s.union(x) ... s.symmetric_difference(x) of an iterable x that is not a set, in CPython's steps
 * for it, so that the result's table (its order) is CPython's */
static LLVMValueRef op_iterable(Lower *L, int op, const Type *st, LLVMValueRef s, const Type *xt, LLVMValueRef x) {
    LLVMValueRef r;
    switch (op) {
    case SM_UNION:   /* a copy, updated */
        r = copy_set(L, st, s);
        update_from(L, st, r, xt, x);
        return r;
    case SM_INTERSECTION:
        return common_items(L, st, s, xt, x);
    case SM_DIFFERENCE: {   /* a dict as the set of its keys; else a copy of s, x's items discarded */
        LLVMValueRef o = as_set(L, st, x, xt);
        if (plain_dict(xt)) return set_op(L, st, '-', s, o);
        r = copy_set(L, st, s);   /* (made last: the instruction's value is the one it owns) */
        set_update(L, st, '-', r, o);
        return r;
    }
    default:   /* symmetric_difference: a set of x's items, s's toggled in it */
        r = cg_own(L, new_dict(L, st), st);
        update_from(L, st, r, xt, x);
        set_update(L, st, '^', r, s);
        return r;
    }
}

/* s.union(x) ... s.symmetric_difference_update(x): x a set of s's type, or any iterable */
static LLVMValueRef with_other(Lower *L, int op, const Type *st, LLVMValueRef s, const Type *xt, LLVMValueRef x) {
    if (op == SM_ISSUBSET || op == SM_ISSUPERSET || op == SM_ISDISJOINT) {
        LLVMValueRef o = as_set(L, st, x, xt);
        return op == SM_ISSUBSET ? set_test(L, st, 's', s, o) : op == SM_ISSUPERSET ? set_test(L, st, 's', o, s)
                                                                                   : set_test(L, st, 'd', s, o);
    }
    if (op <= SM_SYMMETRIC_DIFFERENCE)
        return xt->kind == TY_SET ? set_op(L, st, "|&-^"[op - SM_UNION], s, x) : op_iterable(L, op, st, s, xt, x);
    AddEnv env = {st, s};
    if (op == SM_INTERSECTION_UPDATE && xt->kind != TY_SET)   /* s takes the table of what it shares with x */
        set_update(L, st, '=', s, common_items(L, st, s, xt, x));
    else if (op == SM_SYMMETRIC_DIFFERENCE_UPDATE && plain_dict(xt))   /* each key toggled, in the dict's order */
        cg_for_each(L, xt, x, toggle_key, &env);
    else
        set_update(L, st, "-&^"[op - SM_DIFFERENCE_UPDATE], s, as_set(L, st, x, xt));
    return LLVMConstInt(L->i8, 0, 0);
}

LLVMValueRef cg_set_binop(Lower *L, Instr *in) {
    const Type *st = L->ti->vtypes[in->id], *at = L->ti->vtypes[in->args[0]];
    LLVMValueRef a = as_set(L, st, L->vals[in->args[0]], at);
    LLVMValueRef b = as_set(L, st, L->vals[in->args[1]], L->ti->vtypes[in->args[1]]);
    if (!in->imm2 || at->kind != TY_SET) return set_op(L, st, op_char(in->imm), a, b);   /* (a view op= x: a new set) */
    set_update(L, st, op_char(in->imm), a, b);   /* a op= b changes a, as CPython's */
    return a;
}

typedef struct { const Type *bt; LLVMValueRef b, same; } SameEnv;

/* while the dicts are still the same: e's key in b, with an equal value */
static void same_entry(Lower *L, const Type *at, LLVMValueRef e, void *env_) {
    SameEnv *env = env_;
    LLVMBasicBlockRef look = LLVMAppendBasicBlockInContext(L->c, L->func, "same.look");
    LLVMBasicBlockRef value = LLVMAppendBasicBlockInContext(L->c, L->func, "same.value");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "same.done");
    LLVMBuildCondBr(L->b, LLVMBuildLoad2(L->b, L->i1, env->same, ""), look, done);
    LLVMPositionBuilderAtEnd(L->b, look);
    const Type *kt = at->elems[0];
    LLVMValueRef i = find(L, env->bt, env->b, LLVMBuildLoad2(L->b, cg_type(L, kt), field(L, at, e, key_field(at)), ""), kt);
    LLVMValueRef has = LLVMBuildICmp(L->b, LLVMIntSGE, i, i64c(L, 0), "");
    LLVMBuildStore(L->b, has, env->same);
    LLVMBuildCondBr(L->b, has, value, done);
    LLVMPositionBuilderAtEnd(L->b, value);
    LLVMValueRef y = load_value(L, env->bt, entry_ptr(L, env->bt, env->b, i));
    LLVMBuildStore(L->b, cg_cmp_any(L, IRC_EQ, load_value(L, at, e), at->elems[1], y, env->bt->elems[1]), env->same);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
}

/* a == b of two dicts, as CPython's dict_equal: the same length, and each of a's keys in b with
 * an equal value. A dict equals itself: CPython finds each value identical to itself (a NaN too). */
static LLVMValueRef dicts_equal(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b) {
    SameEnv env = {bt, b, cg_entry_alloca(L, L->i1, "same")};
    LLVMValueRef itself = LLVMBuildICmp(L->b, LLVMIntEQ, a, b, "");
    LLVMBuildStore(L->b, itself, env.same);
    LLVMBasicBlockRef scan = LLVMAppendBasicBlockInContext(L->c, L->func, "same.scan");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "same.end");
    LLVMBuildCondBr(L->b, itself, done, scan);
    LLVMPositionBuilderAtEnd(L->b, scan);
    LLVMBuildStore(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, dict_len(L, a), dict_len(L, b), ""), env.same);
    each_entry(L, at, a, same_entry, &env);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
    return LLVMBuildLoad2(L->b, L->i1, env.same, "");
}

/* a op b where a or b is a set, a dict or a keys or items view (typing allowed op): sets (a view
 * as the set of its items) by inclusion, dicts by their items, anything else unequal. Where the
 * types differ, typing left one of them without item types: it is empty, and the lengths compared
 * with op decide (an empty set is a subset of any, a proper one of a non-empty one). */
LLVMValueRef cg_set_cmp(Lower *L, int op, LLVMValueRef a, const Type *ta, LLVMValueRef b, const Type *tb) {
    const Type *sa = ti_view_as_set(ta), *sb = ti_view_as_set(tb);
    bool sets = sa->kind == TY_SET && sb->kind == TY_SET, dicts = plain_dict(ta) && plain_dict(tb);
    if (!sets && !dicts) return LLVMConstInt(L->i1, op == IRC_NE, 0);
    if (sets ? sa != sb : ta->elems[0] != tb->elems[0] || !ti_equatable(ta->elems[1], tb->elems[1]))
        return cg_cmp_values(L, op, dict_len(L, a), ty_int64, dict_len(L, b), ty_int64);
    if (dicts) {
        LLVMValueRef eq = dicts_equal(L, ta, a, tb, b);
        return op == IRC_EQ ? eq : LLVMBuildNot(L->b, eq, "");
    }
    LLVMValueRef x = as_set(L, sa, a, ta), y = as_set(L, sa, b, tb);
    switch (op) {
    case IRC_EQ: return set_test(L, sa, '=', x, y);
    case IRC_NE: return LLVMBuildNot(L->b, set_test(L, sa, '=', x, y), "");
    case IRC_LE: return set_test(L, sa, 's', x, y);
    case IRC_LT: return set_test(L, sa, '<', x, y);
    case IRC_GE: return set_test(L, sa, 's', y, x);
    default: return set_test(L, sa, '<', y, x);
    }
}

LLVMValueRef cg_set_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    if (ci->builtin == LB_SET) {
        LLVMValueRef s = cg_own(L, new_dict(L, ci->ret), ci->ret);
        if (ci->nparams) update_from(L, ci->ret, s, types[0], L->vals[in->args[ci->argmap[0]]]);
        return s;
    }
    const Type *st = L->ti->vtypes[in->args[0]]->recv, *kt = st->elems[0];
    LLVMValueRef s = L->vals[in->args[0]];
    switch (ci->builtin) {
    case SM_ADD:
        add_key(L, st, s, args[0], kt);
        break;
    case SM_DISCARD: case SM_REMOVE: {
        LLVMValueRef found;
        take(L, st, s, args[0], kt, &found);
        if (ci->builtin == SM_REMOVE) key_error_unless(L, found, args[0], kt);
        break;
    }
    case SM_POP: {
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, dict_len(L, s), i64c(L, 0), ""), "builtins:KeyError",
                    "pop from an empty set");
        LLVMValueRef buf = cg_entry_alloca(L, cg_type(L, kt), "popped");
        LLVMTypeRef pt[3] = {L->ptr, L->i64, L->ptr};
        LLVMValueRef a[3] = {s, size_of(L, cg_type(L, kt)), buf};
        cg_call(L, "ember_rt_set_pop", L->voidt, pt, a, 3);   /* CPython's choice */
        LLVMValueRef k = LLVMBuildLoad2(L->b, cg_type(L, kt), buf, "");
        return ty_has_refs(kt) ? cg_own(L, k, kt) : k;   /* (the set's references, handed over) */
    }
    case SM_CLEAR:
        clear(L, st, s);
        break;
    case SM_UPDATE:
        update_from(L, st, s, types[0], L->vals[in->args[ci->argmap[0]]]);
        break;
    case SM_COPY:
        return copy_set(L, st, s);
    default:
        return with_other(L, ci->builtin, st, s, types[0], L->vals[in->args[ci->argmap[0]]]);
    }
    return LLVMConstInt(L->i8, 0, 0);
}
