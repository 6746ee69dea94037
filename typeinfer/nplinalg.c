/* nplinalg.c: typing rules for np.linalg's solve inv det slogdet cholesky eigh eigvalsh svd qr
 * pinv matrix_power matrix_rank eig eigvals lstsq (norm stays in nplib.c). eig/eigvals of a
 * real matrix give real results and raise ValueError on complex eigenvalues, as numba does.
 *
 * As NumPy: float32 and complex arrays keep their dtype, integer and boolean ones compute in
 * float64; eigenvalues and singular values are of the real dtype. Functions NumPy gives named
 * tuples from (slogdet, eigh, svd, qr) give plain tuples. Arguments that decide the result's
 * type (compute_uv=, mode=) must be constants. Every function but lstsq takes stacks of
 * matrices too (codegen/lower_linalg.c loops over the stack).
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

static bool given(const CallInfo *ci, int i) { return ci->argmap[i] != -1 && ci->params[i]->kind != TY_NONE; }
static int arg_value(Instr *in, const CallInfo *ci, int i) { return ci->argmap[i] >= 0 ? in->args[ci->argmap[i]] : -1; }

static int real_of(int dt) { return dt == DT_COMPLEX64 ? DT_FLOAT32 : dt == DT_COMPLEX128 ? DT_FLOAT64 : dt; }

static const char *const P_A[] = {"a", NULL};
static const char *const P_AB[] = {"a", "b", NULL};
static const char *const P_EIGH[] = {"a", "UPLO", NULL};
static const char *const P_SVD[] = {"a", "full_matrices", "compute_uv", "hermitian", NULL};
static const char *const P_QR[] = {"a", "mode", NULL};
static const char *const P_PINV[] = {"a", "rcond", "hermitian", NULL};
static const char *const P_POWER[] = {"a", "n", NULL};
static const char *const P_RANK[] = {"A", "tol", "hermitian", NULL};
static const char *const P_LSTSQ[] = {"a", "b", "rcond", NULL};

/* A matrix operand: an array of numbers of 2 or more dimensions (more: a stack of matrices, see
 * ti_type_linalg_call); its computing dtype, or -1 after an error. */
static int matrix(TypeInfo *ti, Instr *in, const Type *a, const char *fname) {
    if (a->kind != TY_ARRAY || a->ndim < 2)
        return UNSUP(in, "np.linalg.%s() of %s is not supported (2-d arrays are)", fname, a->name);
    return ti_linalg_dtype(a->dtype);
}

static int linalg_matrix_call(TypeInfo *ti, Instr *in, int bid, const char *fname, const Type **args, int nargs);

/* Every function but lstsq also takes stacks of matrices, as NumPy: each result gains the stack's
 * leading dimensions (a number per matrix becomes an array of them). solve() broadcasts the
 * stacks of a and of b (b of 2 or more dims is a stack of (M, K) matrices; a 1-d b is one vector
 * for every matrix). */
static int stack_dims(int bid, const Type *a, const Type *b) {
    if (bid == BI_LA_SOLVE && b->ndim >= 2) return (a->ndim > b->ndim ? a->ndim : b->ndim) - 2;
    return a->ndim - 2;
}

/* The dtype a stack of part `part` of a result gets when one matrix gives a number. */
static int number_dtype(int bid, int part, int dt) {
    if (bid == BI_LA_MATRIX_RANK) return DT_INT64;
    if (bid == BI_LA_SLOGDET && part == 1) return real_of(dt);
    return dt;
}

int ti_type_linalg_call(TypeInfo *ti, Instr *in, int bid, const char *fname, const Type **args, int nargs) {
    if (linalg_matrix_call(ti, in, bid, fname, args, nargs)) return -1;
    CallInfo *ci = ti->calls[in->id];
    const Type *a = ci->params[0];
    if (a->kind != TY_ARRAY || bid == BI_NP_EINSUM) return 0;
    int nb = stack_dims(bid, a, bid == BI_LA_SOLVE ? ci->params[1] : a);
    if (nb <= 0) return 0;
    if (bid == BI_LA_LSTSQ)
        return UNSUP(in, "np.linalg.lstsq() of a stack of matrices (%s) is not supported (NumPy takes none)", a->name);
    int dt = ti_linalg_dtype(a->dtype);
    const Type *core = ci->ret, *parts[4];
    int n = core->kind == TY_TUPLE ? core->n : 1;
    for (int i = 0; i < n; i++) {
        const Type *p = core->kind == TY_TUPLE ? core->elems[i] : core;
        parts[i] = p->kind == TY_ARRAY ? ty_array(p->dtype, p->ndim + nb, 'C', false)
                                       : ty_array(number_dtype(bid, i, dt), nb, 'C', false);
    }
    ci->ret = core->kind == TY_TUPLE ? ty_tuple(n, parts) : parts[0];
    return 0;
}

static int const_bool(TypeInfo *ti, Instr *in, CallInfo *ci, int i, const char *what, int dflt) {
    int64_t v;
    if (!given(ci, i)) return dflt;
    if (!ti_const_int(ti, arg_value(in, ci, i), &v)) return ERR(in, "%s must be a constant bool", what);
    return v != 0;
}

static int linalg_matrix_call(TypeInfo *ti, Instr *in, int bid, const char *fname, const Type **args, int nargs) {
    CallInfo *ci;
    int dt;
    switch (bid) {
    case BI_LA_SOLVE: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_AB, 2, args, nargs, false))) return -1;
        if ((dt = matrix(ti, in, ci->params[0], fname)) < 0) return -1;
        const Type *b = ci->params[1];
        if (b->kind != TY_ARRAY || b->ndim < 1)
            return UNSUP(in, "np.linalg.solve() with b of %s is not supported (arrays of 1 or more dims are)", b->name);
        ci->ret = ty_array(ti_linalg_dtype(ty_promote(dt, ti_linalg_dtype(b->dtype))), b->ndim == 1 ? 1 : 2, 'C', false);
        return 0;
    }
    case BI_LA_INV: case BI_LA_CHOLESKY: case BI_LA_DET: case BI_LA_SLOGDET: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_A, 1, args, nargs, false))) return -1;
        if ((dt = matrix(ti, in, ci->params[0], fname)) < 0) return -1;
        if (bid == BI_LA_DET) ci->ret = ty_scalar_of(dt);
        else if (bid == BI_LA_SLOGDET) {
            const Type *parts[2] = {ty_scalar_of(dt), ty_float64};
            ci->ret = ty_tuple(2, parts);
        } else ci->ret = ty_array(dt, 2, 'C', false);
        return 0;
    }
    case BI_LA_EIGH: case BI_LA_EIGVALSH: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_EIGH, 1, args, nargs, false))) return -1;
        if ((dt = matrix(ti, in, ci->params[0], fname)) < 0) return -1;
        if (given(ci, 1)) {
            const char *s = ti_const_str(ti, arg_value(in, ci, 1));
            if (!s || (strcmp(s, "L") && strcmp(s, "U"))) return ERR(in, "UPLO argument must be 'L' or 'U'");
        }
        const Type *w = ty_array(real_of(dt), 1, 'C', false);
        if (bid == BI_LA_EIGVALSH) {
            ci->ret = w;
            return 0;
        }
        const Type *parts[2] = {w, ty_array(dt, 2, 'C', false)};
        ci->ret = ty_tuple(2, parts);
        return 0;
    }
    case BI_LA_SVD: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_SVD, 1, args, nargs, false))) return -1;
        if ((dt = matrix(ti, in, ci->params[0], fname)) < 0) return -1;
        int full = const_bool(ti, in, ci, 1, "full_matrices", 1), uv = const_bool(ti, in, ci, 2, "compute_uv", 1);
        if (full < 0 || uv < 0) return -1;
        if (const_bool(ti, in, ci, 3, "hermitian", 0) != 0) return UNSUP(in, "np.linalg.svd(hermitian=True) is not supported");
        const Type *s = ty_array(real_of(dt), 1, 'C', false), *m = ty_array(dt, 2, 'C', false);
        const Type *parts[3] = {m, s, m};
        ci->ret = uv ? ty_tuple(3, parts) : s;
        return 0;
    }
    case BI_LA_QR: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_QR, 1, args, nargs, false))) return -1;
        if ((dt = matrix(ti, in, ci->params[0], fname)) < 0) return -1;
        const char *mode = given(ci, 1) ? ti_const_str(ti, arg_value(in, ci, 1)) : "reduced";
        if (!mode || (strcmp(mode, "reduced") && strcmp(mode, "r")))
            return UNSUP(in, "np.linalg.qr(): mode must be a constant 'reduced' or 'r'");
        const Type *m = ty_array(dt, 2, 'C', false), *parts[2] = {m, m};
        ci->ret = strcmp(mode, "r") ? ty_tuple(2, parts) : m;
        return 0;
    }
    case BI_LA_PINV: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_PINV, 1, args, nargs, false))) return -1;
        if ((dt = matrix(ti, in, ci->params[0], fname)) < 0) return -1;
        if (given(ci, 1) && (!ty_is_number(ci->params[1]) || ci->params[1] == ty_complex128))
            return ERR(in, "np.linalg.pinv(): rcond must be a real number");
        if (const_bool(ti, in, ci, 2, "hermitian", 0) != 0) return UNSUP(in, "np.linalg.pinv(hermitian=True) is not supported");
        ci->ret = ty_array(dt, 2, 'C', false);
        return 0;
    }
    case BI_LA_MATRIX_RANK: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_RANK, 1, args, nargs, false))) return -1;
        if ((dt = matrix(ti, in, ci->params[0], fname)) < 0) return -1;
        if (given(ci, 1) && (!ty_is_number(ci->params[1]) || ci->params[1] == ty_complex128))
            return ERR(in, "np.linalg.matrix_rank(): tol must be a real number");
        if (const_bool(ti, in, ci, 2, "hermitian", 0) != 0) return UNSUP(in, "np.linalg.matrix_rank(hermitian=True) is not supported");
        ci->ret = ty_int64;
        return 0;
    }
    case BI_LA_EIG: case BI_LA_EIGVALS: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_A, 1, args, nargs, false))) return -1;
        if ((dt = matrix(ti, in, ci->params[0], fname)) < 0) return -1;
        const Type *w = ty_array(dt, 1, 'C', false), *parts[2] = {w, ty_array(dt, 2, 'C', false)};
        ci->ret = bid == BI_LA_EIGVALS ? w : ty_tuple(2, parts);
        return 0;
    }
    case BI_LA_LSTSQ: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_LSTSQ, 2, args, nargs, false))) return -1;
        if ((dt = matrix(ti, in, ci->params[0], fname)) < 0) return -1;
        const Type *b = ci->params[1];
        if (b->kind != TY_ARRAY || b->ndim < 1 || b->ndim > 2)
            return UNSUP(in, "np.linalg.lstsq() with b of %s is not supported (1-d and 2-d arrays are)", b->name);
        if (given(ci, 2) && (!ty_is_number(ci->params[2]) || ci->params[2] == ty_complex128))
            return ERR(in, "np.linalg.lstsq(): rcond must be a real number or None");
        dt = ti_linalg_dtype(ty_promote(dt, ti_linalg_dtype(b->dtype)));
        const Type *r = ty_array(real_of(dt), 1, 'C', false);
        const Type *parts[4] = {ty_array(dt, b->ndim, 'C', false), r, ty_int64, r};
        ci->ret = ty_tuple(4, parts);
        return 0;
    }
    case BI_LA_MATRIX_POWER: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_POWER, 2, args, nargs, false))) return -1;
        const Type *a = ci->params[0];
        if (a->kind != TY_ARRAY || a->ndim < 2 || a->dtype == DT_BOOL)
            return UNSUP(in, "np.linalg.matrix_power() of %s is not supported (numeric arrays of 2 or more dims are)", a->name);
        if (ci->params[1] != ty_int64 && ci->params[1] != ty_bool) return ERR(in, "exponent must be an integer");
        ci->ret = ty_array(a->dtype, 2, 'C', false);   /* one matrix's: ti_type_linalg_call stacks it */
        return 0;
    }
    }
    return UNSUP(in, "np.linalg.%s() is not supported", fname);
}

/* np.einsum(subscripts, *operands): a constant subscripts string (no ellipses) over arrays. */
int ti_type_einsum(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs) {
    int nops = nargs - 1;
    if (in->nkw) return UNSUP(in, "np.einsum() takes no keyword arguments here");
    if (nops < 1 || nops > 8) return UNSUP(in, "np.einsum() of %d operands is not supported (1 to 8 are)", nops);
    const char *spec = ti_const_str(ti, in->args[1]);
    if (!spec) return ERR(in, "np.einsum() needs its subscripts as a constant string");
    char ops[8][33], out[33];
    const char *why = ti_einsum_parse(spec, nops, ops, out);
    if (why) return ERR(in, "np.einsum('%s'): %s", spec, why);
    const char *names[10];
    names[0] = "subscripts";
    for (int i = 0; i < nops; i++) names[i + 1] = ctx_printf(ti->fn->ctx, "operand%d", i);
    names[nops + 1] = NULL;
    CallInfo *ci = ti_bind(ti, in, bid, "einsum", names, nargs, args, nargs, false);
    if (!ci) return -1;
    int dt = -1;
    for (int i = 0; i < nops; i++) {
        const Type *t = ci->params[i + 1];
        if (t->kind != TY_ARRAY || t->dtype == DT_BOOL)
            return UNSUP(in, "np.einsum() of %s is not supported (numeric arrays are)", t->name);
        if ((int)strlen(ops[i]) != t->ndim)
            return ERR(in, "np.einsum('%s'): operand %d has %d dimensions but %d subscripts", spec, i, t->ndim, (int)strlen(ops[i]));
        dt = dt < 0 ? t->dtype : ty_promote(dt, t->dtype);
    }
    int nd = (int)strlen(out);
    ci->ret = nd ? ty_array(dt, nd, 'C', false) : ty_scalar_of(dt);
    if (ti_einsum_is_view(nops, ops, out)) ci->ret = ty_view(ci->params[1], dt, nd, 'A');
    return 0;
}
