/* cycle.c: mutual recursion, functions that call each other (is_even calls is_odd, which calls
 * is_even), typed and compiled together.
 *
 * The driver finds a cycle when a callee's compile calls back into a compile in progress
 * (pymodule/driver.c): the compiles in between give up, without a diagnostic, down to that one,
 * whose typing then takes the callee in as a member of its cycle (ti_cycle_join), with the IR the
 * driver built for it. Members are typed in the rounds of the function compiled (ti_cycle_round),
 * to one fixed point: a call of a member takes the return type the member has so far (CALL_CYCLE,
 * as a self-call's CALL_SELF), so a cycle types as long as some path through it returns without
 * recursing, and the return types of its functions widen together until none changes. As in
 * Numba, a cycle with no such path is an error; here it names the functions and the call.
 *
 * A member is one function for one tuple of argument types: f(int64) and f(float64) in one cycle
 * are two members. Members are their own roots (their inner functions and function values are
 * theirs); `cycle` points every one, the function compiled included, to the same list.
 *
 * Lowering puts every member into the module of the function compiled, each with a `.rec` body
 * (codegen/lower_rec.c), so calls across the cycle share one frame record and one stack guard a
 * level. The object code holds the whole cycle and needs no other compiled code: the cache (keyed
 * on the code of every function reached, ember/_cache.py) and AOT modules take it as any other.
 */
#include "ti.h"
#include <string.h>

/* The member of ti's compile typed for (code, types), or NULL. */
static TypeInfo *find(TypeInfo *ti, PyObject *code, const Type **types, int n) {
    Cycle *cy = ti->root->cycle;
    for (int k = 0; cy && k < cy->n; k++) {
        TypeInfo *m = cy->members[k];
        if (m->fn->code == code && m->nargs == n && !memcmp(m->argtypes, types, sizeof(Type *) * (size_t)n)) return m;
    }
    return NULL;
}

static void call_member(CallInfo *ci, TypeInfo *m, const Type **types, int n) {
    ci->kind = CALL_CYCLE;
    ci->inner = m;
    memcpy(ci->params, types, sizeof(Type *) * (size_t)n);
    ci->ret = m->ret;   /* NULL until a return path of m that does not recurse is typed */
}

int ti_cycle_call(TypeInfo *ti, PyObject *code, const Type **types, int n, CallInfo *ci) {
    TypeInfo *m = find(ti, code, types, n);
    if (m) call_member(ci, m, types, n);
    return m != NULL;
}

int ti_cycle_join(TypeInfo *ti, Function *fn, const Type **types, int n, CallInfo *ci) {
    Ctx *ctx = ti->fn->ctx;
    TypeInfo *root = ti->root;
    Cycle *cy = root->cycle;
    if (!cy) {   /* the first member: the function compiled heads the list */
        if (!(cy = ctx_alloc(ctx, sizeof *cy))) return -1;
        if (!(cy->members = ctx_alloc(ctx, sizeof(TypeInfo *) * 4))) return -1;
        cy->members[0] = root;
        cy->n = 1;
        cy->cap = 4;
        root->cycle = cy;
    }
    TypeInfo *m = find(ti, fn->code, types, n);
    if (!m) {
        if (cy->n == cy->cap) {
            int cap = cy->cap ? 2 * cy->cap : 4;
            TypeInfo **list = ctx_alloc(ctx, sizeof(TypeInfo *) * (size_t)cap);
            if (!list) return -1;
            memcpy(list, cy->members, sizeof(TypeInfo *) * (size_t)cy->n);
            cy->members = list;
            cy->cap = cap;
        }
        const char *symbol = ctx_printf(ctx, "%s.cycle%d", cy->members[0]->symbol, cy->n);
        if (!(m = ti_new(ctx, fn, types, n, ti->host, symbol, NULL))) return -1;
        m->cycle = cy;
        cy->members[cy->n++] = m;
    }
    call_member(ci, m, types, n);
    return 0;
}

/* One round over each member, when ti heads a cycle (new members join the same round). */
int ti_cycle_round(TypeInfo *ti, bool *changed) {
    Cycle *cy = ti->cycle;
    for (int k = 1; cy && cy->members[0] == ti && k < cy->n; k++) {
        int rc = ti_type_round(cy->members[k], changed);
        if (rc) return rc;
    }
    return 0;
}

int ti_cycle_settle(TypeInfo *ti) {
    Cycle *cy = ti->cycle;
    for (int k = 1; cy && cy->members[0] == ti && k < cy->n; k++) {
        int rc = ti_settle(cy->members[k]);
        if (rc) return rc;
    }
    return 0;
}

/* "f and g", "f, g and h": the names of the cycle's functions, each once. */
static const char *names(Ctx *ctx, Cycle *cy) {
    const char *seen[64], *out = "";
    int n = 0;
    for (int k = 0; k < cy->n && n < 64; k++) {
        bool dup = false;
        for (int j = 0; j < n; j++) dup |= !strcmp(seen[j], cy->members[k]->fn->name);
        if (!dup) seen[n++] = cy->members[k]->fn->name;
    }
    for (int j = 0; j < n; j++)
        out = ctx_printf(ctx, "%s%s%s", out, j == 0 ? "" : j == n - 1 ? " and " : ", ", seen[j]);
    return out;
}

int ti_cycle_untyped(TypeInfo *ti, Instr *call) {
    Function *fn = ti->fn;
    TypeInfo *callee = ti->calls[call->id]->inner;
    return ctx_error(fn->ctx, DIAG_TYPING, fn, call->loc,
                     "cannot infer the return type of %s: the mutually recursive functions %s have no return "
                     "path that does not recurse", callee->fn->name, names(fn->ctx, ti->root->cycle));
}
