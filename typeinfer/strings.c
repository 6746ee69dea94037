/* strings.c: typing rules for str (runtime/str.c holds the operations, codegen/lower_str.c
 * lowers them).
 *
 * Operators: + (str + str), * (str * int), comparisons (all six, by code point), `in`, indexing
 * and slicing, truth, len, iteration (one-character strings), f-strings (FORMAT and BUILDSTR).
 * Builtins: str(x), repr(x), hash(s), int(s), float(s), ord, chr. Methods: the table below.
 * A format spec must be a constant; typing checks it with Python's own format() on a sample
 * value of the formatted type, so a bad spec is a located compile error, not a run-time one.
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

/* name, required and optional positional parameters, their kinds ('s' str, 'S' str or None,
 * 'i' int, 'T' a str or a tuple of them, 'c' a fill character, default " "), keyword names, and
 * the result ('s' str, 'b' bool, 'i' int, 'l' list of str, 't' a tuple of three str). */
static const struct StrMethod {
    const char *name;
    int nreq, nmax;
    const char *kinds;
    const char *const names[3];
    char ret;
} methods[] = {
    [STR_STARTSWITH] = {"startswith", 1, 3, "Tii", {0}, 'b'},
    [STR_ENDSWITH] = {"endswith", 1, 3, "Tii", {0}, 'b'},
    [STR_FIND] = {"find", 1, 3, "sii", {0}, 'i'},
    [STR_RFIND] = {"rfind", 1, 3, "sii", {0}, 'i'},
    [STR_COUNT] = {"count", 1, 3, "sii", {0}, 'i'},
    [STR_REPLACE] = {"replace", 2, 3, "ssi", {0}, 's'},
    [STR_SPLIT] = {"split", 0, 2, "Si", {"sep", "maxsplit"}, 'l'},
    [STR_JOIN] = {"join", 1, 1, "*", {0}, 's'},
    [STR_STRIP] = {"strip", 0, 1, "S", {0}, 's'},
    [STR_LSTRIP] = {"lstrip", 0, 1, "S", {0}, 's'},
    [STR_RSTRIP] = {"rstrip", 0, 1, "S", {0}, 's'},
    [STR_LOWER] = {"lower", 0, 0, "", {0}, 's'},
    [STR_UPPER] = {"upper", 0, 0, "", {0}, 's'},
    [STR_ISDIGIT] = {"isdigit", 0, 0, "", {0}, 'b'},
    [STR_ISALPHA] = {"isalpha", 0, 0, "", {0}, 'b'},
    [STR_ISSPACE] = {"isspace", 0, 0, "", {0}, 'b'},
    [STR_ZFILL] = {"zfill", 1, 1, "i", {0}, 's'},
    [STR_CAPITALIZE] = {"capitalize", 0, 0, "", {0}, 's'},
    [STR_CASEFOLD] = {"casefold", 0, 0, "", {0}, 's'},
    [STR_SWAPCASE] = {"swapcase", 0, 0, "", {0}, 's'},
    [STR_TITLE] = {"title", 0, 0, "", {0}, 's'},
    [STR_ISALNUM] = {"isalnum", 0, 0, "", {0}, 'b'},
    [STR_ISDECIMAL] = {"isdecimal", 0, 0, "", {0}, 'b'},
    [STR_ISNUMERIC] = {"isnumeric", 0, 0, "", {0}, 'b'},
    [STR_ISPRINTABLE] = {"isprintable", 0, 0, "", {0}, 'b'},
    [STR_ISASCII] = {"isascii", 0, 0, "", {0}, 'b'},
    [STR_ISLOWER] = {"islower", 0, 0, "", {0}, 'b'},
    [STR_ISUPPER] = {"isupper", 0, 0, "", {0}, 'b'},
    [STR_ISTITLE] = {"istitle", 0, 0, "", {0}, 'b'},
    [STR_ISIDENTIFIER] = {"isidentifier", 0, 0, "", {0}, 'b'},
    [STR_CENTER] = {"center", 1, 2, "ic", {0}, 's'},
    [STR_LJUST] = {"ljust", 1, 2, "ic", {0}, 's'},
    [STR_RJUST] = {"rjust", 1, 2, "ic", {0}, 's'},
    [STR_INDEX] = {"index", 1, 3, "sii", {0}, 'i'},
    [STR_RINDEX] = {"rindex", 1, 3, "sii", {0}, 'i'},
    [STR_PARTITION] = {"partition", 1, 1, "s", {0}, 't'},
    [STR_RPARTITION] = {"rpartition", 1, 1, "s", {0}, 't'},
    [STR_RSPLIT] = {"rsplit", 0, 2, "Si", {"sep", "maxsplit"}, 'l'},
    [STR_SPLITLINES] = {"splitlines", 0, 1, "i", {"keepends"}, 'l'},
    [STR_EXPANDTABS] = {"expandtabs", 0, 1, "i", {"tabsize"}, 's'},
    [STR_REMOVEPREFIX] = {"removeprefix", 1, 1, "s", {0}, 's'},
    [STR_REMOVESUFFIX] = {"removesuffix", 1, 1, "s", {0}, 's'},
};
#define NMETHODS ((int)(sizeof methods / sizeof methods[0]))

static bool is_int(const Type *t) { return ty_is_int(t) || t == ty_bool; }

bool ti_is_str_method(const char *attr) {
    if (!strcmp(attr, "format")) return true;
    for (int i = 0; i < NMETHODS; i++)
        if (!strcmp(methods[i].name, attr)) return true;
    return false;
}

/* Is t something str.join takes: a list of strings or a tuple of them. */
/* A tuple hash() takes: of numbers, bools and strings, nested tuples of these. */
static bool hashable_tuple(const Type *t) {
    if (t->kind != TY_TUPLE || t->n == 0) return false;
    for (int i = 0; i < t->n; i++) {
        const Type *e = t->elems[i];
        if (!(e == ty_str || e == ty_bool || e == ty_int64 || e == ty_uint64 || e == ty_float64 || hashable_tuple(e))) return false;
    }
    return true;
}

static bool str_sequence(const Type *t) {
    if (t->kind == TY_LIST) return !t->elems[0] || t->elems[0] == ty_str;   /* ("".join([]): no items) */
    if (t->kind == TY_GENERATOR) return t->elems[0] == ty_str;
    if (t->kind != TY_TUPLE) return false;
    for (int i = 0; i < t->n; i++)
        if (t->elems[i] != ty_str) return false;
    return true;
}

static int type_str_format(TypeInfo *ti, Instr *in, const Type **args, int nargs);

int ti_type_str_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs) {
    if (!strcmp(m->attr, "format")) return type_str_format(ti, in, args, nargs);
    int id = 0;
    while (id < NMETHODS && strcmp(methods[id].name, m->attr)) id++;
    if (id == NMETHODS) return UNSUP(in, "str has no supported method '%s'", m->attr);
    const struct StrMethod *sm = &methods[id];
    int npos = nargs - in->nkw;
    if (npos > sm->nmax) return ERR(in, "str.%s() takes at most %d arguments (%d given)", sm->name, sm->nmax, npos);
    Ctx *ctx = ti->fn->ctx;
    CallInfo *ci = ctx_alloc(ctx, sizeof *ci);
    if (!ci) return -1;
    ci->kind = CALL_BUILTIN;
    ci->builtin = METHOD_STR + id;
    ci->nparams = sm->nmax;
    ci->params = ctx_alloc(ctx, sizeof(Type *) * (size_t)(sm->nmax + 1));
    ci->argmap = ctx_alloc(ctx, sizeof(int) * (size_t)(sm->nmax + 1));
    ci->defaults = ctx_alloc(ctx, sizeof(PyObject *) * (size_t)(sm->nmax + 1));
    if (!ci->params || !ci->argmap || !ci->defaults) return -1;
    for (int i = 0; i < sm->nmax; i++) ci->argmap[i] = i < npos ? i + 1 : -1;
    for (int k = 0; k < in->nkw; k++) {
        int j = 0;
        while (j < sm->nmax && !(sm->names[j] && !strcmp(sm->names[j], in->kwnames[k]))) j++;
        if (j == sm->nmax) return ERR(in, "str.%s() got an unexpected keyword argument '%s'", sm->name, in->kwnames[k]);
        if (ci->argmap[j] >= 0) return ERR(in, "str.%s() got multiple values for argument '%s'", sm->name, in->kwnames[k]);
        ci->argmap[j] = 1 + npos + k;
    }
    for (int i = 0; i < sm->nmax; i++) {
        char kind = sm->kinds[i];
        if (ci->argmap[i] < 0) {
            if (i < sm->nreq) return ERR(in, "str.%s() takes at least %d arguments (%d given)", sm->name, sm->nreq, npos);
            /* defaults: None for a separator, a space to fill, the whole string for start/end, -1
             * for counts, 8 for a tab, False to keep line ends */
            PyObject *def = kind == 'S' ? Py_NewRef(Py_None) : kind == 'c' ? PyUnicode_FromString(" ")
                          : PyLong_FromLongLong(id == STR_REPLACE || id == STR_SPLIT || id == STR_RSPLIT ? -1
                                                : id == STR_EXPANDTABS ? 8 : id == STR_SPLITLINES ? 0
                                                : i == 1 ? 0 : INT64_MAX);
            ci->defaults[i] = ctx_keep(ctx, def);
            Py_XDECREF(def);
            ci->params[i] = kind == 'S' ? ty_none : kind == 'c' ? ty_str : ty_int64;
            continue;
        }
        const Type *t = args[ci->argmap[i] - 1];
        bool ok = kind == 's' || kind == 'c' ? t == ty_str : kind == 'S' ? t == ty_str || t->kind == TY_NONE
                : kind == 'i' ? is_int(t) : kind == 'T' ? t == ty_str || (t->kind == TY_TUPLE && str_sequence(t))
                : str_sequence(t) || t == ty_str;   /* "-".join("abc"): its characters */
        if (!ok)
            return ERR(in, "str.%s() argument %d must be %s (got %s)", sm->name, i + 1,
                       kind == 'i' ? "an integer" : kind == '*' ? "a str, or a list or tuple of strings"
                       : kind == 'T' ? "a str or a tuple of str" : "a str", t->name);
        ci->params[i] = kind == 'i' ? ty_int64 : t;
    }
    const Type *three[3] = {ty_str, ty_str, ty_str};
    ci->ret = sm->ret == 's' ? ty_str : sm->ret == 'b' ? ty_bool : sm->ret == 'i' ? ty_int64
            : sm->ret == 't' ? ty_tuple(3, three) : ty_list(ty_str);
    ti->calls[in->id] = ci;
    return 0;
}

/* ---- operators ---------------------------------------------------------------------------- */
const Type *ti_str_binop(TypeInfo *ti, Instr *in, const Type *a, const Type *b) {
    if (in->imm == IRB_ADD && a == ty_str && b == ty_str) return ty_str;
    if (in->imm == IRB_MUL && ((a == ty_str && is_int(b)) || (is_int(a) && b == ty_str))) return ty_str;
    (void)ti;
    return NULL;
}

const Type *ti_str_getitem(TypeInfo *ti, Instr *in, const Type *a, const Type *idx) {
    if (is_int(idx) || idx->kind == TY_SLICE) return ty_str;
    (void)a;
    return ERR(in, "string indices must be integers or slices (got %s)", idx->name), NULL;
}

/* Can str(v) make text of v: numbers, None and strings, and what print shows (tuples, lists,
 * dicts, sets, arrays: codegen/lower_str.c packs them for Python). */
static bool shown(const Type *v) {
    char desc[512] = "";
    return ty_is_number(v) || v == ty_str || v->kind == TY_NONE || ty_value_layout(v, desc, sizeof desc, true) >= 0;
}

/* Is `text` a spec format() takes for a value of type v after conversion conv (0, 1 str, 2 repr)?
 * Asked of Python's own format() on a sample value of the formatted type. */
static int check_spec(TypeInfo *ti, Instr *in, const Type *v, int conv, const char *text) {
    if (v->kind == TY_EXCVAL && conv != 3 && !text[0]) return 0;   /* f"{e}", f"{e!r}": str(e), repr(e) */
    if (!shown(v))
        return UNSUP(in, "formatting %s is not supported (numbers, None, strings, tuples, lists, dicts, sets "
                         "and arrays are)", v->name);
    if (!ty_is_number(v) && v != ty_str && v->kind != TY_NONE && !conv && text[0])   /* a container: its str() only */
        return ERR(in, "unsupported format string passed to %s.__format__", v->name);
    if (conv == 3) return UNSUP(in, "the !a conversion is not supported; use !r");
    if (!text[0]) return 0;
    const Type *f = conv ? ty_str : v;
    PyObject *sample = f == ty_str ? PyUnicode_FromString("") : f == ty_float64 ? PyFloat_FromDouble(0)
                     : f == ty_complex128 ? PyComplex_FromDoubles(0, 0) : f == ty_bool ? Py_NewRef(Py_False)
                     : f->kind == TY_NONE ? Py_NewRef(Py_None) : PyLong_FromLong(0);
    PyObject *spec_obj = PyUnicode_FromString(text);
    PyObject *r = sample && spec_obj ? PyObject_Format(sample, spec_obj) : NULL;
    Py_XDECREF(sample);
    Py_XDECREF(spec_obj);
    if (!r) {
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyObject *s = value ? PyObject_Str(value) : NULL;
        ERR(in, "bad format spec '%s' for %s: %s", text, f->name, s && PyUnicode_Check(s) ? PyUnicode_AsUTF8(s) : "?");
        Py_XDECREF(s);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        PyErr_Clear();
        return -1;
    }
    Py_DECREF(r);
    if (f == ty_complex128 || f->kind == TY_NONE || f == ty_uint64)
        return UNSUP(in, "format specs for %s are not supported", f->name);
    return 0;
}

/* FORMAT: the value (a number, bool, None or str, after a conversion) with a constant spec. */
const Type *ti_type_format(TypeInfo *ti, Instr *in, const Type *v, const Type *spec) {
    const char *text = spec->kind == TY_NONE ? "" : ti_const_str(ti, in->args[1]);
    if (!text) return UNSUP(in, "a format spec must be a constant (not a nested replacement field)"), NULL;
    return check_spec(ti, in, v, in->imm, text) ? NULL : ty_str;
}

/* ---- templates: "..." % args and "...".format(args) ------------------------------------------ */
static StrPlan *new_plan(Ctx *ctx, size_t max) {
    StrPlan *p = ctx_alloc(ctx, sizeof *p);
    if (p) p->pieces = ctx_alloc(ctx, sizeof(StrPiece) * (max + 1));
    return p && p->pieces ? p : NULL;
}

static void add_text(Ctx *ctx, StrPlan *p, const char *from, size_t n) {
    if (n) p->pieces[p->n++] = (StrPiece){.text = ctx_printf(ctx, "%.*s", (int)n, from), .arg = -1};
}

/* printf-style: %[flags][width][.precision]type, as format() specs (strings right-aligned). */
static StrPlan *percent_plan(TypeInfo *ti, Instr *in, const char *t, const Type **types, int nargs) {
    Ctx *ctx = ti->fn->ctx;
    StrPlan *p = new_plan(ctx, 2 * strlen(t) + 2);
    if (!p) return NULL;
    int next = 0;
    const char *lit = t;
    for (const char *c = t; *c;) {
        if (*c != '%') { c++; continue; }
        add_text(ctx, p, lit, (size_t)(c - lit));
        c++;
        if (*c == '%') { lit = c++; continue; }
        char flags[8] = "";
        int nf = 0;
        while (*c && strchr("-+ 0#", *c) && nf < 7) flags[nf++] = *c++;
        if (*c == '(' || *c == '*') return UNSUP(in, "%%-formatting with %s is not supported", *c == '(' ? "names" : "'*'"), NULL;
        const char *w = c;
        while (*c >= '0' && *c <= '9') c++;
        int wlen = (int)(c - w);
        const char *prec = NULL;
        int plen = 0;
        if (*c == '.') {
            prec = ++c;
            while (*c >= '0' && *c <= '9') c++;
            plen = (int)(c - prec);
        }
        while (*c == 'h' || *c == 'l' || *c == 'L') c++;
        char type = *c ? *c++ : 0;
        lit = c;
        if (!type || !strchr("diouxXeEfFgGcrs", type))
            return ERR(in, "unsupported format character '%c' in a %%-template", type ? type : '?'), NULL;
        if (next >= nargs) return ERR(in, "not enough arguments for format string"), NULL;
        const Type *at = types[next];
        bool integral = strchr("diouxXc", type) != NULL;
        if (integral && !(ty_is_int(at) || at == ty_bool))
            return UNSUP(in, "%%%c of %s is not supported (it takes an integer here)", type, at->name), NULL;
        if (integral && prec) return UNSUP(in, "a precision with %%%c is not supported", type), NULL;
        bool left = strchr(flags, '-'), zero = strchr(flags, '0') && !left && type != 's' && type != 'r' && type != 'c';
        char spec[64];
        snprintf(spec, sizeof spec, "%s%s%s%s%.*s%s%.*s%c", left ? "<" : (type == 's' || type == 'r' || type == 'c') ? ">" : "",
                 strchr(flags, '+') ? "+" : strchr(flags, ' ') ? " " : "", strchr(flags, '#') ? "#" : "", zero ? "0" : "",
                 wlen, w, prec ? "." : "", plen, prec ? prec : "",
                 type == 'i' || type == 'u' ? 'd' : type == 's' || type == 'r' ? 0 : type);
        StrPiece *pc = &p->pieces[p->n++];
        *pc = (StrPiece){.arg = next++, .conv = type == 's' ? 's' : type == 'r' ? 'r' : 0, .spec = ctx_strdup(ctx, spec)};
        if (check_spec(ti, in, pc->conv ? ty_str : at, 0, pc->spec)) return NULL;
    }
    add_text(ctx, p, lit, strlen(lit));
    if (next != nargs) return ERR(in, "not all arguments converted during string formatting"), NULL;
    return p;
}

/* str.format: {} {0} {!r} {:spec}, {{ and }}; no names or attributes. */
static StrPlan *format_plan(TypeInfo *ti, Instr *in, const char *t, const Type **types, int nargs) {
    Ctx *ctx = ti->fn->ctx;
    StrPlan *p = new_plan(ctx, 2 * strlen(t) + 2);
    if (!p) return NULL;
    int autonum = 0;
    bool manual = false;
    char *buf = ctx_alloc(ctx, strlen(t) + 1);
    size_t nb = 0;
    for (const char *c = t; *c;) {
        if ((c[0] == '{' && c[1] == '{') || (c[0] == '}' && c[1] == '}')) { buf[nb++] = *c; c += 2; continue; }
        if (*c == '}') return ERR(in, "Single '}' encountered in format string"), NULL;
        if (*c != '{') { buf[nb++] = *c++; continue; }
        add_text(ctx, p, buf, nb);
        nb = 0;
        const char *end = strchr(c, '}');
        if (!end) return ERR(in, "Single '{' encountered in format string"), NULL;
        char field[256];
        snprintf(field, sizeof field, "%.*s", (int)(end - c - 1), c + 1);
        if (strchr(field, '{')) return UNSUP(in, "nested replacement fields in str.format are not supported"), NULL;
        c = end + 1;
        char *colon = strchr(field, ':'), *bang = strchr(field, '!');
        if (bang && colon && bang > colon) bang = NULL;
        const char *spec = colon ? colon + 1 : "";
        char conv = 0;
        if (bang) {
            conv = bang[1];
            if (conv != 's' && conv != 'r') return UNSUP(in, "the conversion !%c is not supported in str.format", conv), NULL;
            *bang = 0;
        }
        if (colon) *colon = 0;
        int arg;
        if (!field[0]) {
            if (manual) return ERR(in, "cannot switch from manual field specification to automatic field numbering"), NULL;
            arg = autonum++;
        } else {
            char *after;
            long k = strtol(field, &after, 10);
            if (*after || k < 0) return UNSUP(in, "str.format fields by name or attribute ('%s') are not supported", field), NULL;
            if (autonum) return ERR(in, "cannot switch from automatic field numbering to manual field specification"), NULL;
            manual = true;
            arg = (int)k;
        }
        if (arg >= nargs) return ERR(in, "Replacement index %d out of range for positional args tuple", arg), NULL;
        p->pieces[p->n++] = (StrPiece){.arg = arg, .conv = conv, .spec = ctx_strdup(ctx, spec)};
        if (check_spec(ti, in, types[arg], conv == 'r' ? 2 : conv == 's' ? 1 : 0, spec)) return NULL;
    }
    add_text(ctx, p, buf, nb);
    return p;
}

static CallInfo *plan_call(TypeInfo *ti, Instr *in) {
    CallInfo *ci = ctx_alloc(ti->fn->ctx, sizeof *ci);
    if (!ci) return NULL;
    ci->kind = CALL_BUILTIN;
    ci->builtin = METHOD_STR + STR_FORMAT;
    ci->ret = ty_str;
    return ci;
}

const Type *ti_str_percent(TypeInfo *ti, Instr *in, const Type *b) {
    const char *t = ti_const_str(ti, in->args[0]);
    if (!t) return UNSUP(in, "%%-formatting needs a constant template; use an f-string"), NULL;
    CallInfo *ci = plan_call(ti, in);
    const Type *one[1] = {b};
    bool tuple = b->kind == TY_TUPLE;
    if (!ci || !(ci->plan = percent_plan(ti, in, t, tuple ? b->elems : one, tuple ? b->n : 1))) return NULL;
    ci->nparams = tuple ? -1 : 1;   /* lowering: -1 takes the tuple's elements */
    ti->calls[in->id] = ci;
    return ty_str;
}

static int type_str_format(TypeInfo *ti, Instr *in, const Type **args, int nargs) {
    Instr *attr = ti->fn->instrs[in->args[0]];
    const char *t = attr->op == IR_GETATTR ? ti_const_str(ti, attr->args[0]) : NULL;
    if (!t) return UNSUP(in, "str.format needs a constant template; use an f-string");
    if (in->nkw) return UNSUP(in, "keyword arguments to str.format are not supported");
    CallInfo *ci = plan_call(ti, in);
    if (!ci || !(ci->plan = format_plan(ti, in, t, args, nargs))) return -1;
    ci->nparams = 0;   /* lowering reads the call's own arguments */
    ti->calls[in->id] = ci;
    return 0;
}

/* format(x, spec) with a constant spec, and bin(n) hex(n) oct(n) as format(n, "#b") and so on: a
 * template of one piece, lowered as f-strings are. */
int ti_type_format_builtin(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs) {
    const char *name = ti_builtins[bid].name;
    if (in->nkw) return ERR(in, "%s() takes no keyword arguments", name);
    if (nargs < 1 || nargs > (bid == BI_FORMAT ? 2 : 1))
        return ERR(in, "%s() takes %s argument%s (%d given)", name, bid == BI_FORMAT ? "1 or 2" : "exactly one",
                   bid == BI_FORMAT ? "s" : "", nargs);
    const char *spec = bid == BI_BIN ? "#b" : bid == BI_HEX ? "#x" : bid == BI_OCT ? "#o" : "";
    if (bid != BI_FORMAT && !is_int(args[0]))
        return ERR(in, "'%s' object cannot be interpreted as an integer", args[0]->name);
    if (bid == BI_FORMAT && nargs == 2 && !(spec = args[1] == ty_str ? ti_const_str(ti, in->args[2]) : NULL))
        return UNSUP(in, "format() needs a constant format spec");
    if (!ty_is_number(args[0]) && args[0] != ty_str && args[0]->kind != TY_NONE)
        return UNSUP(in, "format() of %s is not supported (numbers, None and strings are)", args[0]->name);
    CallInfo *ci = plan_call(ti, in);
    StrPlan *p = ci ? new_plan(ti->fn->ctx, 1) : NULL;
    if (!p) return -1;
    p->pieces[p->n++] = (StrPiece){.arg = 0, .spec = ctx_strdup(ti->fn->ctx, spec)};
    if (check_spec(ti, in, args[0], 0, spec)) return -1;
    ci->plan = p;
    ci->nparams = 0;   /* lowering reads the call's own arguments */
    ti->calls[in->id] = ci;
    return 0;
}

/* builtins on strings: str, repr, hash, ord, chr, and int()/float() of a string */
int ti_type_str_builtin(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, CallInfo *ci) {
    const char *name = ti_builtins[bid].name;
    if (nargs != 1 && !(bid == BI_STR && nargs == 0))
        return ERR(in, "%s() takes exactly one argument (%d given)", name, nargs);
    const Type *t = nargs ? args[0] : ty_str;
    switch (bid) {
    case BI_STR: case BI_REPR:
        if (t->kind == TY_EXCVAL) {   /* str(e), repr(e) of a caught exception */
            ci->ret = ty_str;
            return 0;
        }
        if (nargs && !shown(t))
            return UNSUP(in, "%s() of %s is not supported (numbers, None, strings, tuples, lists, dicts, sets "
                             "and arrays are)", name, t->name);
        ci->ret = ty_str;
        return 0;
    case BI_HASH:
        if (t != ty_str && !is_int(t) && t != ty_float64 && !hashable_tuple(t))
            return UNSUP(in, "hash() of %s is not supported (numbers, strings and tuples of these are)", t->name);
        ci->ret = ty_int64;
        return 0;
    case BI_ORD:
        if (t != ty_str) return ERR(in, "ord() expected a string of length 1, but %s found", t->name);
        ci->ret = ty_int64;
        return 0;
    case BI_CHR:
        if (!is_int(t)) return ERR(in, "chr() needs an integer (got %s)", t->name);
        ci->params[0] = ty_int64;
        ci->ret = ty_str;
        return 0;
    }
    return UNSUP(in, "%s() is not supported", name);
}
