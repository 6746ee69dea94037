/* ellipsis.c: `...` in array subscripts (a[..., 0], a[i, ...] = v, a[..., None], a[...] = 0).
 *
 * Requires: a Function typed to the fixed point, in which typing left each array subscript
 * whose index is or holds an Ellipsis untyped (infer.c waits on them). Produces: those
 * subscripts rewritten as the index NumPy means, the Ellipsis replaced by as many full slices
 * (`:`) as the dims the other parts leave (None takes none, a boolean array its ndim, anything
 * else one); the caller types the function anew. A subscript whose array type is not known
 * yet (it depends on another such subscript) is rewritten in a later round.
 *
 *     a[..., 1]  on a 3-d a   ->   a[:, :, 1]
 *     a[t]       t = (..., None) held in a variable   ->   a[(:, :, :, t[1])]
 *     a[1, 2, ...] on a 2-d a  ->   a[1, 2, None].reshape(())   (NumPy's 0-d view)
 */
#include "ti.h"
#include "fe.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)

bool ti_has_ellipsis(const Type *idx) {
    if (idx->kind == TY_ELLIPSIS) return true;
    for (int i = 0; idx->kind == TY_TUPLE && i < idx->n; i++)
        if (idx->elems[i]->kind == TY_ELLIPSIS) return true;
    return false;
}

static int dims_taken(const Type *t) {
    if (t->kind == TY_NONE) return 0;
    if (t->kind == TY_ARRAY && t->dtype == DT_BOOL) return t->ndim;
    return 1;
}

/* A constant instruction before position *at of block b. */
static Instr *constant(Function *fn, Block *b, int *at, ConstKind kind, int64_t v, Loc loc) {
    Instr *c = ir_insert(fn, b, (*at)++, IR_CONST, 0, loc);
    if (c) c->c.kind = kind, c->c.i = v;
    return c;
}

/* a[i, j, ...] with an integer for every dimension is a 0-d view of that element in NumPy:
 * `in` becomes a[i, j, None].reshape(()) (the one-element view, without its axis). */
static int zero_d_view(TypeInfo *ti, Block *b, int at, Instr *in, int *ids, int k) {
    Function *fn = ti->fn;
    Instr *none = constant(fn, b, &at, K_NONE, 0, in->loc);
    Instr *t = none ? ir_insert(fn, b, at++, IR_TUPLE, k + 1, in->loc) : NULL;
    if (!t) return -1;
    if (k) memcpy(t->args, ids, sizeof(int) * (size_t)k);
    t->args[k] = none->id;
    Instr *g = ir_insert(fn, b, at++, IR_GETITEM, 2, in->loc);
    Instr *m = g ? ir_insert(fn, b, at++, IR_GETATTR, 1, in->loc) : NULL;
    Instr *unit = m ? ir_insert(fn, b, at++, IR_TUPLE, 0, in->loc) : NULL;
    if (!unit) return -1;
    g->args[0] = in->args[0];
    g->args[1] = t->id;
    m->args[0] = g->id;
    m->str = "reshape";
    in->op = IR_CALL;   /* two arguments, as the subscript had: the method and its shape */
    in->args[0] = m->id;
    in->args[1] = unit->id;
    in->nkw = 0;
    return 0;
}

/* Rewrite subscript `in` (a GETITEM or SETITEM at position at of block b). */
static int expand(TypeInfo *ti, Block *b, int at, Instr *in) {
    Function *fn = ti->fn;
    const Type *a = ti->vtypes[in->args[0]], *idx = ti->vtypes[in->args[1]];
    Instr *given = fn->instrs[in->args[1]];
    int n = idx->kind == TY_TUPLE ? idx->n : 1, taken = 0, nell = 0;
    for (int i = 0; i < n; i++) {
        const Type *p = idx->kind == TY_TUPLE ? idx->elems[i] : idx;
        if (p->kind == TY_ELLIPSIS) nell++;
        else taken += dims_taken(p);
    }
    if (nell > 1) return ERR(in, "an index can only have a single ellipsis ('...')");
    bool all_ints = true;   /* besides the Ellipsis */
    for (int i = 0; i < n; i++) {
        const Type *p = idx->kind == TY_TUPLE ? idx->elems[i] : idx;
        if (p->kind != TY_ELLIPSIS && !ty_is_int(p)) all_ints = false;
    }
    int fill = a->ndim - taken;
    if (fill < 0)
        return ERR(in, "too many indices for array: array is %d-dimensional, but %d were indexed", a->ndim, taken);
    int *ids = ctx_alloc(fn->ctx, sizeof(int) * (size_t)(n + fill + 1)), k = 0;
    if (!ids) return -1;
    for (int i = 0; i < n; i++) {
        const Type *p = idx->kind == TY_TUPLE ? idx->elems[i] : idx;
        if (p->kind == TY_ELLIPSIS) {
            for (int j = 0; j < fill; j++) {
                Instr *none = constant(fn, b, &at, K_NONE, 0, in->loc);
                Instr *s = none ? ir_insert(fn, b, at++, IR_SLICE, 3, in->loc) : NULL;
                if (!s) return -1;
                s->args[0] = s->args[1] = s->args[2] = none->id;
                ids[k++] = s->id;
            }
        } else if (given->op == IR_TUPLE) {
            ids[k++] = given->args[i];
        } else {   /* a tuple value: its element i */
            Instr *g = ti_insert_item(fn, b, &at, given->id, i, in->loc);
            if (!g) return -1;
            ids[k++] = g->id;
        }
    }
    if (in->op == IR_GETITEM && fill == 0 && all_ints) return zero_d_view(ti, b, at, in, ids, k);
    if (k == 1 && a->ndim > 0) {   /* a[..., i] on a 1-d a is a[i] */
        in->args[1] = ids[0];
        return 0;
    }
    Instr *t = ir_insert(fn, b, at++, IR_TUPLE, k, in->loc);
    if (!t) return -1;
    if (k) memcpy(t->args, ids, sizeof(int) * (size_t)k);
    in->args[1] = t->id;
    return 0;
}

int ti_expand_ellipses(TypeInfo *ti) {
    Function *fn = ti->fn;
    int done = 0;
    for (int bi = 0; bi < fn->nblocks; bi++) {
        Block *b = fn->blocks[bi];
        for (int i = 0; i < b->ninstrs; i++) {
            Instr *in = b->instrs[i];
            if (in->op != IR_GETITEM && in->op != IR_SETITEM) continue;
            const Type *a = ti->vtypes[in->args[0]], *idx = ti->vtypes[in->args[1]];
            if (!a || !idx || a->kind != TY_ARRAY || !ti_has_ellipsis(idx)) continue;
            int before = b->ninstrs;
            if (expand(ti, b, i, in)) return -1;
            i += b->ninstrs - before;   /* past what was inserted, to in again */
            done = 1;
        }
    }
    return done;
}
