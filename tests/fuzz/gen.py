"""Random well-typed programs over ember's documented subset, one per seed.

`generate(seed)` returns a Program: the source text of a module defining `f` (compiled with
`@njit`) and zero to two `@njit` helpers it calls, plus the text of the argument tuple. The same
seed gives the same text (one `random.Random(seed)` drives every choice; nothing iterates a set).

Well-typed by construction: every expression is built for a wanted type from a scope that maps
each variable to its one type (ember's unification rule: a variable keeps one type; names are
never reused, so there is no versioning). Statements nest in blocks; a variable made inside a
block is visible only there, so Python never reads an unbound name.

Agreeing with CPython by definition means steering clear of ember's documented differences:

  - ints stay far inside int64: each int expression carries a bound on its magnitude (`E.bound`),
    operands are wrapped (`% m`, `& mask`, a min/max clamp) before a product, power or shift
    could pass 2**62, and a variable never holds more than VB in magnitude, so a loop cannot
    grow one;
  - `int ** negative` is never made (ember gives an int); float `**` takes `abs(base)`;
  - scalars read from arrays go through `float()`/`int()`, so the reference computes with
    Python scalars, not NumPy ones (whose `// 0` is 0 with a warning);
  - math functions get arguments inside their domain most of the time; when CPython still
    raises its "math domain/range error" the runner counts the case as a documented difference.

Programs do raise: unguarded divisors, out-of-range indices (with boundscheck=True), empty
reductions, `range` with a zero step, asserts and `raise` statements.
"""

import math
import random

VB = 2**20          # the largest magnitude an int variable (or int array element) may hold
LIM = 2**40         # the largest magnitude of an int subexpression before it is wrapped
MAXB = 2**62        # nothing computed may pass this

SCALARS = ("int", "float", "bool", "complex")


def is_arr(t):
    return isinstance(t, tuple) and t[0] == "arr"


def is_tup(t):
    return isinstance(t, tuple) and t[0] == "tuple"


def arr(dt, shape):
    return ("arr", dt, tuple(shape))


class E:
    """An expression: its text, type and (int, bool, int arrays) a bound on its magnitude."""

    __slots__ = ("text", "ty", "bound")

    def __init__(self, text, ty, bound=None):
        self.text, self.ty, self.bound = text, ty, bound


class Stmt:
    """A simple statement (`head`) or a compound one (`clauses`: [(header, [Stmt...])])."""

    __slots__ = ("head", "clauses")

    def __init__(self, head=None, clauses=None):
        self.head, self.clauses = head, clauses

    def render(self, out, indent):
        pad = "    " * indent
        if self.clauses is None:
            out.append(pad + self.head)
            return
        for header, body in self.clauses:
            out.append(pad + header)
            if not body:
                out.append(pad + "    pass")
            for s in body:
                s.render(out, indent + 1)


class Function:
    def __init__(self, name, params, body, decorator):
        self.name, self.params, self.body, self.decorator = name, params, body, decorator

    def render(self, out):
        out.append(self.decorator)
        out.append(f"def {self.name}({', '.join(self.params)}):")
        for s in self.body:
            s.render(out, 1)
        out.append("")


HEADER = "import math\nimport numpy as np\nfrom ember import njit\n\n"


class Program:
    """A generated program: helpers and `f` as statement trees, and the argument tuple's text."""

    def __init__(self, seed, helpers, main, args_text, features):
        self.seed, self.helpers, self.main = seed, helpers, main
        self.args_text, self.features = args_text, features

    @property
    def source(self):
        out = [HEADER]
        for h in self.helpers:
            h.render(out)
            out.append("")
        self.main.render(out)
        return "\n".join(out)

    def reproducer(self):
        """The program as a script: the source, the arguments, and a call of f."""
        return f"{self.source}\nargs = {self.args_text}\nprint(f(*args))\n"


def flit(x):
    """A float literal's text (math.inf / math.nan where repr would not parse)."""
    if math.isnan(x):
        return "math.nan"
    if math.isinf(x):
        return "math.inf" if x > 0 else "-math.inf"
    return repr(x)


FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -3.75, 1e-3, 123.456, 1e10, -1e-10, 7.0, 0.1,
          1e300, -1e300, 5e-324, math.inf, -math.inf, math.nan, 3.0, -2.0, 1e-300]
INTS = [0, 1, -1, 2, -2, 3, 5, -7, 10, 13, 100, -100, 255, 1000, -4096, 65537, VB, -VB]


class Gen:
    def __init__(self, seed, avoid=()):
        self.rng = random.Random(seed)
        self.avoid = frozenset(avoid)   # features not to generate (known bugs, while open)
        self.seed = seed
        self.counter = 0
        self.helpers = []          # (name, param types, return type)
        self.features = set()
        self.boundscheck = False
        self.arrays = False
        self.budget = 0

    # ------------------------------------------------------------------ small helpers

    def chance(self, p):
        return self.rng.random() < p

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def fresh(self, prefix="v"):
        self.counter += 1
        return f"{prefix}{self.counter}"

    @staticmethod
    def var_bound(ty):
        """The bound every variable of type ty respects (int arrays: each element)."""
        if ty == "int" or (is_arr(ty) and ty[1] == "i8"):
            return VB
        return 1 if ty == "bool" else None

    def vars_of(self, scope, pred):
        return [(n, t, b) for n, (t, b) in scope.items() if pred(t)]

    # ------------------------------------------------------------------ int bounds

    def wrap(self, e, limit=VB):
        """e as an int expression whose magnitude is at most limit."""
        if e.bound is not None and e.bound <= limit:
            return e
        limit = max(limit, 2)
        r = self.rng.random()
        if r < 0.5:
            m = self.rng.randint(2, min(limit, 1009))
            self.features.add("wrap%")
            return E(f"({e.text} % {m})", "int", m - 1)
        if r < 0.75:
            mask = (1 << self.rng.randint(1, min(limit.bit_length() - 1, 20))) - 1
            return E(f"({e.text} & {mask})", "int", mask)
        m = self.rng.randint(1, min(limit, 10**6))
        self.features.add("clamp")
        return E(f"max(min({e.text}, {m}), -{m})", "int", m)

    # ------------------------------------------------------------------ expressions

    def expr(self, ty, scope, d):
        if ty == "int":
            return self.int_expr(scope, d)
        if ty == "float":
            return self.float_expr(scope, d)
        if ty == "bool":
            return self.bool_expr(scope, d)
        if ty == "complex":
            return self.complex_expr(scope, d)
        if is_tup(ty):
            return self.tuple_expr(ty, scope, d)
        if is_arr(ty):
            return self.arr_expr(ty, scope, d)
        raise AssertionError(ty)

    def var_leaf(self, ty, scope):
        cands = self.vars_of(scope, lambda t: t == ty)
        if cands:
            n, t, b = self.pick(cands)
            return E(n, t, b)
        return None

    def cond_expr(self, ty, scope, d):
        self.features.add("ifexp")
        c = self.bool_expr(scope, d - 1)
        a, b = self.expr(ty, scope, d - 1), self.expr(ty, scope, d - 1)
        bound = max(a.bound, b.bound) if ty == "int" else (1 if ty == "bool" else None)
        return E(f"({a.text} if {c.text} else {b.text})", ty, bound)

    def helper_call(self, ty, scope, d):
        cands = [h for h in self.helpers if h[2] == ty]
        if not cands:
            return None
        name, ptypes, rty, rbound = self.pick(cands)
        args = []
        keywords = self.chance(0.2)
        for i, pt in enumerate(ptypes):
            e = self.expr(pt, scope, d - 1)
            if pt == "int":
                e = self.wrap(e)
            args.append(f"p{i}={e.text}" if keywords and i > 0 else e.text)
        self.features.add("callkw" if keywords and len(ptypes) > 1 else "call")
        return E(f"{name}({', '.join(args)})", ty, rbound)

    def from_context(self, ty, scope, d, r, cuts):
        """A ty taken from what the program has: a tuple element, a helper's result or a value
        read from an array, each tried when the caller's draw r is below its cut; else None."""
        makers = (self.tuple_elem, self.helper_call, self.array_scalar if self.arrays else None)
        for cut, make in zip(cuts, makers):
            if r < cut and make:
                e = make(ty, scope, d)
                if e:
                    return e
        return None

    # ---- int

    def int_leaf(self, scope):
        v = self.var_leaf("int", scope) if self.chance(0.7) else None
        if v:
            return v
        x = self.pick(INTS) if self.chance(0.6) else self.rng.randint(-50, 50)
        return E(str(x) if x >= 0 else f"({x})", "int", abs(x))

    def small_int(self, scope, hi=12):
        """An int expression between -hi and hi (range arguments, shifts, exponents)."""
        r = self.rng.random()
        if r < 0.45:
            x = self.rng.randint(-3, hi)
            return E(str(x) if x >= 0 else f"({x})", "int", abs(x))
        loops = self.vars_of(scope, lambda t: t == "int")
        loops = [(n, t, b) for n, t, b in loops if b <= hi]
        if r < 0.65 and loops:
            n, t, b = self.pick(loops)
            return E(n, "int", b)
        arrs = self.vars_of(scope, lambda t: is_arr(t) and t[2] and max(t[2]) <= hi)
        if r < 0.75 and arrs:
            n, t, b = self.pick(arrs)
            self.features.add("len")
            return E(f"len({n})", "int", t[2][0])
        e = self.int_expr(scope, 1)
        m = self.rng.randint(1, hi)
        return E(f"({e.text} % {m})", "int", m)

    def int_expr(self, scope, d):
        if d <= 0 or self.chance(0.25):
            return self.int_leaf(scope)
        r = self.rng.random()
        if r < 0.40:
            return self.int_binop(scope, d)
        if r < 0.47:
            e = self.int_expr(scope, d - 1)
            op = self.pick(["-", "~", "+", "abs"])
            if op == "abs":
                return E(f"abs({e.text})", "int", e.bound)
            return E(f"({op}{e.text})", "int", e.bound + 1)
        if r < 0.53:
            a, b = self.int_expr(scope, d - 1), self.int_expr(scope, d - 1)
            fn = self.pick(["min", "max"])
            self.features.add("minmax")
            if self.chance(0.3):
                c = self.int_expr(scope, d - 1)
                return E(f"{fn}({a.text}, {b.text}, {c.text})", "int", max(a.bound, b.bound, c.bound))
            return E(f"{fn}({a.text}, {b.text})", "int", max(a.bound, b.bound))
        if r < 0.60:
            return self.float_to_int(scope, d)
        if r < 0.64:
            return self.cond_expr("int", scope, d)
        if r < 0.68:
            b = self.bool_expr(scope, d - 1)
            op = self.pick(["+", "-", "*"])
            a = self.int_expr(scope, d - 1)
            self.features.add("boolarith")
            return E(f"({b.text} {op} {a.text})", "int", a.bound + 1)
        e = self.from_context("int", scope, d, r, (0.74, 0.80, 0.86))
        if e:
            return e
        if r < 0.92:
            return self.int_builtin(scope, d)
        return self.int_leaf(scope)

    def divisor(self, ty, scope, d):
        """A divisor of type ty: usually made non-zero with `or`, sometimes left raw."""
        e = self.expr(ty, scope, d)
        if ty == "int":
            e = self.wrap(e, LIM)
        if self.chance(0.8):
            one = {"int": "1", "float": "1.0", "complex": "1j"}[ty]
            self.features.add("or")
            return E(f"({e.text} or {one})", ty, e.bound), True
        return e, False

    def int_binop(self, scope, d):
        op = self.pick(["+", "-", "*", "//", "%", "**", "<<", ">>", "&", "|", "^", "+", "-", "*"])
        a = self.wrap(self.int_expr(scope, d - 1), LIM)
        if op in ("//", "%"):
            b, _ = self.divisor("int", scope, d - 1)
            self.features.add("intdiv")
            bound = a.bound if op == "//" else b.bound
            return E(f"({a.text} {op} {b.text})", "int", max(bound, 1))
        if op == "**":
            k = self.rng.randint(0, 3)
            while k > 1 and a.bound ** k > MAXB:
                k -= 1
            self.features.add("ipow")
            if self.chance(0.3):
                return E(f"pow({a.text}, {k})", "int", max(a.bound ** k, 1))
            return E(f"({a.text} ** {k})", "int", max(a.bound ** k, 1))
        if op == "<<":
            k = self.rng.randint(0, 20)
            a = self.wrap(a, 2**30)
            self.features.add("shift")
            return E(f"({a.text} << {k})", "int", a.bound << k)
        if op == ">>":
            k = self.small_int(scope, 70)
            if self.chance(0.7):   # a count below 0 raises ValueError in both
                k = E(f"abs({k.text})", "int", k.bound)
            self.features.add("shift")
            return E(f"({a.text} >> {k.text})", "int", a.bound)
        b = self.wrap(self.int_expr(scope, d - 1), LIM)
        if op == "*":
            while a.bound * b.bound > MAXB:
                a, b = self.wrap(a, 2**20), self.wrap(b, 2**20)
            return E(f"({a.text} * {b.text})", "int", a.bound * b.bound)
        if op in "&|^":
            self.features.add("bitwise")
            return E(f"({a.text} {op} {b.text})", "int", 2 * max(a.bound, b.bound) + 1)
        return E(f"({a.text} {op} {b.text})", "int", a.bound + b.bound)

    def clamp_float(self, f, m):
        """f clamped to [-m, m] (NaN passes through: int() of it raises ValueError in both)."""
        return f"max(min({f}, {m}), -{m})"

    def float_to_int(self, scope, d):
        f = self.float_expr(scope, d - 1)
        m = self.pick(["1e6", "1000.0", "1e9"])
        c = self.clamp_float(f.text, m)
        bound = int(float(m))
        fn = self.pick(["int", "round", "math.floor", "math.ceil", "math.trunc", "int"])
        self.features.add(fn)
        return E(f"{fn}({c})", "int", bound + 1)

    def int_builtin(self, scope, d):
        r = self.rng.random()
        if r < 0.3:
            a = self.wrap(self.int_expr(scope, d - 1), LIM)
            b, _ = self.divisor("int", scope, d - 1)
            self.features.add("divmod")
            k = self.pick(["0", "1", "-1", "-2"])
            return E(f"divmod({a.text}, {b.text})[{k}]", "int", max(a.bound, b.bound))
        if r < 0.5:
            a, b = self.int_expr(scope, d - 1), self.int_expr(scope, d - 1)
            self.features.add("gcd")
            return E(f"math.gcd({a.text}, {b.text})", "int", max(a.bound, b.bound))
        if r < 0.6:
            n = self.small_int(scope, 15)
            self.features.add("factorial")
            return E(f"math.factorial({n.text})", "int", math.factorial(15))
        if r < 0.8:
            c = self.bool_expr(scope, d - 1)
            return E(f"int({c.text})", "int", 1)
        f = self.float_expr(scope, d - 1)
        self.features.add("frexp")
        return E(f"math.frexp({f.text})[1]", "int", 1100)

    # ---- float

    def float_leaf(self, scope):
        v = self.var_leaf("float", scope) if self.chance(0.7) else None
        if v:
            return v
        r = self.rng.random()
        if r < 0.6:
            return E(flit(self.pick(FLOATS)), "float")
        if r < 0.8:
            return E(flit(round(self.rng.uniform(-100, 100), 3)), "float")
        return E(self.pick(["math.pi", "math.e", "math.tau", "math.inf", "math.nan"]), "float")

    MATH1 = [  # name, argument guard ("{}" is the argument)
        ("sqrt", "abs({})"), ("exp", "min({}, 50.0)"), ("exp2", "min({}, 60.0)"),
        ("expm1", "min({}, 50.0)"), ("log", "(abs({}) + 0.5)"), ("log2", "(abs({}) + 0.5)"),
        ("log10", "(abs({}) + 0.5)"), ("log1p", "abs({})"), ("sin", "{}"), ("cos", "{}"),
        ("tan", "{}"), ("asin", "max(min({}, 1.0), -1.0)"), ("acos", "max(min({}, 1.0), -1.0)"),
        ("atan", "{}"), ("sinh", "max(min({}, 50.0), -50.0)"), ("cosh", "max(min({}, 50.0), -50.0)"),
        ("tanh", "{}"), ("asinh", "{}"), ("acosh", "(abs({}) + 1.0)"),
        ("atanh", "max(min({}, 0.9), -0.9)"), ("fabs", "{}"), ("cbrt", "{}"), ("erf", "{}"),
        ("erfc", "{}"), ("gamma", "(abs({}) % 20.0 + 0.5)"), ("lgamma", "(abs({}) + 0.5)"),
        ("degrees", "{}"), ("radians", "{}"), ("ulp", "{}"),
    ]
    MATH2 = ["atan2", "hypot", "copysign", "nextafter", "fmod", "pow"]

    def float_math(self, scope, d):
        if self.chance(0.7):
            name, guard = self.pick(self.MATH1)
            a = self.float_expr(scope, d - 1)
            arg = guard.format(a.text) if self.chance(0.9) else a.text
            self.features.add("math." + name)
            return E(f"math.{name}({arg})", "float")
        name = self.pick(self.MATH2)
        a, b = self.float_expr(scope, d - 1), self.float_expr(scope, d - 1)
        self.features.add("math." + name)
        if name == "fmod":
            b, _ = self.divisor("float", scope, d - 1)
        if name == "pow":
            return E(f"math.pow(abs({a.text}), max(min({b.text}, 8.0), -8.0))", "float")
        return E(f"math.{name}({a.text}, {b.text})", "float")

    def float_expr(self, scope, d):
        if d <= 0 or self.chance(0.2):
            return self.float_leaf(scope)
        r = self.rng.random()
        if r < 0.35:
            return self.float_binop(scope, d)
        if r < 0.40:
            e = self.float_expr(scope, d - 1)
            return E(f"(-{e.text})" if self.chance(0.7) else f"abs({e.text})", "float")
        if r < 0.55:
            return self.float_math(scope, d)
        if r < 0.60:
            a, b = self.float_expr(scope, d - 1), self.float_expr(scope, d - 1)
            self.features.add("minmax")
            return E(f"{self.pick(['min', 'max'])}({a.text}, {b.text})", "float")
        if r < 0.65:
            e = self.int_expr(scope, d - 1)
            return E(f"float({e.text})", "float")
        if r < 0.69:
            return self.cond_expr("float", scope, d)
        if r < 0.73:
            f = self.float_expr(scope, d - 1)
            k = self.rng.randint(-2, 4)
            self.features.add("round2")
            return E(f"round({f.text}, {k})", "float")
        if r < 0.77:
            z = self.complex_expr(scope, d - 1)
            self.features.add("complexpart")
            return E(self.pick([f"{z.text}.real", f"{z.text}.imag", f"abs({z.text})"]), "float")
        e = self.from_context("float", scope, d, r, (0.81, 0.85, 0.93))
        if e:
            return e
        if r < 0.97:
            f = self.float_expr(scope, d - 1)
            k = self.small_int(scope, 40)
            self.features.add("ldexp")
            return E(f"math.ldexp({f.text}, {k.text})", "float")
        return self.float_leaf(scope)

    def num_operand(self, scope, d):
        """A float or (sometimes) an int or bool expression, for mixed arithmetic."""
        r = self.rng.random()
        if r < 0.75:
            return self.float_expr(scope, d)
        if r < 0.95:
            return self.wrap(self.int_expr(scope, d), LIM)
        return self.bool_expr(scope, d)

    def float_binop(self, scope, d):
        op = self.pick(["+", "-", "*", "/", "//", "%", "**", "+", "*", "/"])
        a = self.float_expr(scope, d - 1)
        if op == "**":
            b = self.num_operand(scope, d - 1)
            if b.ty == "int":
                b = self.wrap(b, 8)
            else:
                b = E(f"max(min({b.text}, 8.0), -8.0)", "float")
            self.features.add("fpow")
            if self.chance(0.3):
                return E(f"pow(abs({a.text}), {b.text})", "float")
            return E(f"(abs({a.text}) ** {b.text})", "float")
        if op in ("/", "//", "%"):
            ty = "float" if self.chance(0.7) else "int"
            b, _ = self.divisor(ty, scope, d - 1)
            if self.chance(0.2):
                a = self.wrap(self.int_expr(scope, d - 1), LIM)
                if b.ty == "int" and op != "/":   # int // int is an int
                    b = E(f"float({b.text})", "float")
            self.features.add("fdiv" + op)
            return E(f"({a.text} {op} {b.text})", "float")
        b = self.num_operand(scope, d - 1)
        if self.chance(0.5):
            a, b = b, a
        return E(f"({a.text} {op} {b.text})", "float")

    # ---- bool

    def bool_expr(self, scope, d):
        if d <= 0 or self.chance(0.15):
            v = self.var_leaf("bool", scope) if self.chance(0.6) else None
            return v or E(self.pick(["True", "False"]), "bool", 1)
        r = self.rng.random()
        if r < 0.45:
            return self.compare(scope, d)
        if r < 0.55:
            e = self.bool_expr(scope, d - 1)
            return E(f"(not {e.text})", "bool", 1)
        if r < 0.70:
            a, b = self.bool_expr(scope, d - 1), self.bool_expr(scope, d - 1)
            return E(f"({a.text} {self.pick(['and', 'or'])} {b.text})", "bool", 1)
        if r < 0.76:
            f = self.float_expr(scope, d - 1)
            fn = self.pick(["math.isnan", "math.isinf", "math.isfinite"])
            return E(f"{fn}({f.text})", "bool", 1)
        if r < 0.80:
            a, b = self.float_expr(scope, d - 1), self.float_expr(scope, d - 1)
            self.features.add("isclose")
            return E(f"math.isclose({a.text}, {b.text})", "bool", 1)
        if r < 0.84:
            ty = self.pick(["int", "float", "complex"])
            e = self.expr(ty, scope, d - 1)
            self.features.add("truth")
            return E(f"bool({e.text})", "bool", 1)
        if r < 0.88:
            return self.cond_expr("bool", scope, d)
        if r < 0.92:
            e = self.tuple_compare(scope, d)
            if e:
                return e
        if r < 0.95:
            e = self.helper_call("bool", scope, d)
            if e:
                return e
        if r < 0.98:
            z, w = self.complex_expr(scope, d - 1), self.complex_expr(scope, d - 1)
            return E(f"({z.text} {self.pick(['==', '!='])} {w.text})", "bool", 1)
        if "is_integer" in self.avoid:
            return self.compare(scope, d)
        f = self.float_expr(scope, d - 1)
        self.features.add("is_integer")
        return E(f"({f.text}).is_integer()", "bool", 1)   # -1.0.is_integer() would be -(True)

    def compare(self, scope, d):
        n = 2 if self.chance(0.75) else 3
        ops = [self.pick(["<", "<=", ">", ">=", "==", "!="]) for _ in range(n - 1)]
        kinds = [self.pick(["int", "float", "int", "float", "bool"]) for _ in range(n)]
        parts = [self.expr(k, scope, d - 1).text for k in kinds]
        text = parts[0]
        for op, p in zip(ops, parts[1:]):
            text += f" {op} {p}"
        if n == 3:
            self.features.add("chained")
        return E(f"({text})", "bool", 1)

    # ---- complex

    def complex_expr(self, scope, d):
        if d <= 0 or self.chance(0.25):
            v = self.var_leaf("complex", scope) if self.chance(0.6) else None
            if v:
                return v
            if self.chance(0.5):
                a, b = self.rng.randint(-5, 5) / 2, self.rng.randint(-5, 5) / 2
                return E(f"complex({flit(a)}, {flit(b)})", "complex")
            return E(self.pick(["1j", "(2+3j)", "(-1.5+0.5j)", "(0.25-2j)", "0j"]), "complex")
        r = self.rng.random()
        if r < 0.5:
            op = self.pick(["+", "-", "*", "/"])
            a = self.complex_expr(scope, d - 1)
            if op == "/":
                b, _ = self.divisor("complex", scope, d - 1)
            else:
                b = self.complex_expr(scope, d - 1) if self.chance(0.7) else self.float_expr(scope, d - 1)
                if self.chance(0.5):
                    a, b = b, a
            self.features.add("complex" + op)
            return E(f"({a.text} {op} {b.text})", "complex")
        if r < 0.6:
            a = self.complex_expr(scope, d - 1)
            return E(f"{a.text}.conjugate()" if self.chance(0.5) else f"(-{a.text})", "complex")
        if r < 0.75:
            a, b = self.float_expr(scope, d - 1), self.float_expr(scope, d - 1)
            return E(f"complex({a.text}, {b.text})", "complex")
        if r < 0.85:
            return self.cond_expr("complex", scope, d)
        e = self.tuple_elem("complex", scope, d)
        return e or self.complex_expr(scope, 0)

    # ---- tuples

    def tuple_type(self):
        n = self.rng.randint(2, 3)
        if self.chance(0.3):
            return ("tuple", (self.pick(["int", "float"]),) * n)
        return ("tuple", tuple(self.pick(["int", "float", "bool", "int", "float"]) for _ in range(n)))

    def tuple_expr(self, ty, scope, d):
        v = self.var_leaf(ty, scope) if self.chance(0.5) else None
        if v:
            return v
        elts = ty[1]
        r = self.rng.random()
        if r < 0.15 and elts in (("int", "int"), ("float", "float")):
            a = self.expr(elts[0], scope, d - 1)
            b, _ = self.divisor(elts[0], scope, d - 1)
            if elts[0] == "int":
                a, b = self.wrap(a), self.wrap(b)
            self.features.add("divmod")
            return E(f"divmod({a.text}, {b.text})", ty)
        if r < 0.22 and elts == ("float", "int"):
            f = self.float_expr(scope, d - 1)
            return E(f"math.frexp({f.text})", ty)
        if r < 0.28 and elts == ("float", "float"):
            f = self.float_expr(scope, d - 1)
            self.features.add("modf")
            return E(f"math.modf({f.text})", ty)
        if r < 0.35 and d > 0:
            return self.cond_expr(ty, scope, d)
        parts = []
        for t in elts:
            e = self.expr(t, scope, d - 1)
            if t == "int":
                e = self.wrap(e)
            parts.append(e.text)
        return E(f"({', '.join(parts)})", ty)

    def tuple_elem(self, ty, scope, d):
        cands = self.vars_of(scope, lambda t: is_tup(t) and ty in t[1])
        if not cands:
            return None
        n, t, _ = self.pick(cands)
        idx = [i for i, x in enumerate(t[1]) if x == ty]
        i = self.pick(idx)
        self.features.add("tupleindex")
        if self.chance(0.3):
            i -= len(t[1])
        return E(f"{n}[{i}]", ty, VB if ty == "int" else (1 if ty == "bool" else None))

    def tuple_compare(self, scope, d):
        # Only ints and bools: CPython compares tuple items by identity first, so a tuple
        # holding a NaN equals itself there, which no compiler can follow.
        cands = self.vars_of(scope, lambda t: is_tup(t) and "float" not in t[1])
        if not cands:
            return None
        n, t, _ = self.pick(cands)
        other = self.tuple_expr(t, scope, d - 1)
        self.features.add("tuplecompare")
        return E(f"({n} {self.pick(['==', '!='])} {other.text})", "bool", 1)

    # ------------------------------------------------------------------ arrays

    def arr_type(self, scope):
        cands = self.vars_of(scope, is_arr)
        if cands and self.chance(0.7):
            return self.pick(cands)[1]
        dt = self.pick(["f8", "f8", "i8"])
        if self.chance(0.7):
            return arr(dt, (self.rng.randint(1, 6),))
        return arr(dt, (self.rng.randint(1, 4), self.rng.randint(1, 4)))

    def views(self, ty, scope):
        """Texts of views of array variables that have exactly type ty (dtype and shape)."""
        _, dt, shape = ty
        out = []
        for n, t, b in self.vars_of(scope, lambda t: is_arr(t) and t[1] == dt):
            s = t[2]
            if s == shape:
                out.append((n, b))
                if len(s) == 1 and s[0] > 0:
                    out.append((f"{n}[::-1]", b))
                if len(s) == 2:
                    out.append((f"{n}[::-1, :]", b))
            if len(shape) == 1 and len(s) == 1 and s[0] > shape[0]:
                k = self.rng.randint(0, s[0] - shape[0])
                out.append((f"{n}[{k}:{k + shape[0]}]", b))
                for k in range(s[0]):
                    if (s[0] - k + 1) // 2 == shape[0]:
                        out.append((f"{n}[{k}::2]", b))
                        break
            if len(shape) == 1 and len(s) == 2:
                if s[1] == shape[0]:
                    r = self.rng.randint(-s[0], s[0] - 1)
                    out.append((f"{n}[{r}]", b))
                if s[0] == shape[0]:
                    c = self.rng.randint(-s[1], s[1] - 1)
                    out.append((f"{n}[:, {c}]", b))
            if len(shape) == 2 and len(s) == 2 and s == shape[::-1] and s != shape:
                out.append((f"{n}.T", b))
        return out

    def shape_text(self, shape):
        return str(shape[0]) if len(shape) == 1 else f"({shape[0]}, {shape[1]})"

    def arr_leaf(self, ty, scope):
        _, dt, shape = ty
        vs = self.views(ty, scope)
        if vs and self.chance(0.75):
            text, b = self.pick(vs)
            self.features.add("view" if "[" in text or ".T" in text else "arrvar")
            if self.chance(0.1):
                return E(f"{text}.copy()", ty, b)
            return E(text, ty, b)
        r = self.rng.random()
        st = self.shape_text(shape)
        if dt == "f8":
            if r < 0.3:
                return E(f"np.zeros({st})", ty)
            if r < 0.5:
                return E(f"np.ones({st})", ty)
            if r < 0.8 or len(shape) == 2:
                return E(f"np.full({st}, {flit(self.pick(FLOATS[:14]))})", ty)
            return E(f"(np.arange({shape[0]}) * 0.5)", ty)
        if r < 0.4 or len(shape) == 2:
            v = self.rng.randint(-20, 20)
            return E(f"np.full({st}, {v})", ty, abs(v))
        return E(f"np.arange({shape[0]})", ty, max(shape[0], 1))

    def arr_operand(self, ty, scope, d):
        """An array of ty's shape (either dtype for float targets) or a scalar."""
        _, dt, shape = ty
        r = self.rng.random()
        if r < 0.3:
            if dt == "f8":
                return self.num_operand(scope, d - 1)
            return self.wrap(self.int_expr(scope, d - 1), LIM)
        if dt == "f8" and r < 0.45:
            return self.arr_expr(arr("i8", shape), scope, d - 1)
        return self.arr_expr(ty, scope, d - 1)

    def arr_expr(self, ty, scope, d):
        _, dt, shape = ty
        if d <= 0 or self.chance(0.3):
            return self.arr_leaf(ty, scope)
        self.features.add("arrexpr")
        r = self.rng.random()
        if r < 0.45:
            ops = ["+", "-", "*", "/", "//", "%"] if dt == "f8" else ["+", "-", "*", "//", "%", "&", "|", "^"]
            op = self.pick(ops)
            if dt == "f8" and op == "/" and self.chance(0.3):   # int64 / int64 is float64
                a = self.arr_expr(arr("i8", shape), scope, d - 1)
                b = self.arr_operand(arr("i8", shape), scope, d)
            else:   # float64 with anything, or int64 with int64 and ints
                a = self.arr_expr(ty, scope, d - 1)
                b = self.arr_operand(ty, scope, d)
            if self.chance(0.4):
                a, b = b, a
            bound = None
            if dt == "i8":
                ba, bb = a.bound or VB, b.bound or VB
                if op == "*":
                    a, b = self.wrap_arr(a, 2**20), self.wrap_arr(b, 2**20)
                    bound = (a.bound or VB) * (b.bound or VB)
                elif op in "&|^":
                    bound = 2 * max(ba, bb) + 1
                elif op in ("//", "%"):
                    bound = max(ba, bb)
                else:
                    bound = ba + bb
            return self.wrap_arr(E(f"({a.text} {op} {b.text})", ty, bound), LIM)
        if r < 0.55:
            a = self.arr_expr(ty, scope, d - 1)
            if self.chance(0.5):
                return E(f"(-{a.text})", ty, a.bound)
            return E(f"np.abs({a.text})", ty, a.bound)
        if r < 0.72 and dt == "f8":
            a = self.arr_expr(arr(self.pick(["f8", "f8", "i8"]), shape), scope, d - 1)
            fn, guard = self.pick([("sqrt", "np.abs({})"), ("exp", "np.minimum({}, 50.0)"),
                                   ("log", "(np.abs({}) + 1.0)"), ("sin", "{}"), ("cos", "{}"),
                                   ("floor", "{}"), ("tanh", "{}"), ("arctan", "{}")])
            if fn == "floor" and a.ty[1] == "i8":
                a = self.arr_expr(ty, scope, d - 1)
            self.features.add("np." + fn)
            return E(f"np.{fn}({guard.format(a.text)})", ty)
        if r < 0.82 and "np.minimum" not in self.avoid:
            a = self.arr_expr(ty, scope, d - 1)
            b = self.arr_operand(ty, scope, d)
            if b.ty not in (ty, "int") and dt == "i8":
                b = self.arr_expr(ty, scope, d - 1)
            fn = self.pick(["np.minimum", "np.maximum"])
            self.features.add(fn)
            bound = None if dt == "f8" else max(a.bound or VB, b.bound or VB)
            return E(f"{fn}({a.text}, {b.text})", ty, bound)
        if r < 0.92:
            a = self.arr_expr(ty, scope, d - 1)
            b = self.arr_expr(ty, scope, d - 1)
            c = self.arr_expr(ty, scope, d - 1) if self.chance(0.5) else E(flit(self.rng.randint(-3, 3) * 0.5) if dt == "f8" else str(self.rng.randint(-3, 3)), "x", 3)
            op = self.pick(["<", ">", "<=", ">=", "==", "!="])
            self.features.add("np.where")
            bound = None if dt == "f8" else max(a.bound or VB, b.bound or VB)
            return E(f"np.where({a.text} {op} {c.text}, {a.text}, {b.text})", ty, bound)
        if "np.clip" in self.avoid:
            return self.arr_leaf(ty, scope)
        a = self.arr_expr(ty, scope, d - 1)
        lo = self.rng.randint(-5, 2)
        hi = lo + self.rng.randint(0, 6)
        self.features.add("np.clip")
        if dt == "f8":
            return E(f"np.clip({a.text}, {flit(lo * 1.0)}, {flit(hi * 1.0)})", ty)
        return E(f"np.clip({a.text}, {lo}, {hi})", ty, max(abs(lo), abs(hi)))

    def wrap_arr(self, e, limit):
        if not is_arr(e.ty) or e.ty[1] != "i8" or (e.bound is not None and e.bound <= limit):
            return self.wrap(e, limit) if e.ty == "int" else e
        m = self.rng.randint(2, min(limit, 1009))
        self.features.add("arrwrap")
        return E(f"({e.text} % {m})", e.ty, m - 1)

    def index(self, n, scope, raw_ok=True):
        """An index for an axis of length n: wrapped into range, negative, or raw (may raise)."""
        r = self.rng.random()
        if raw_ok and self.boundscheck and r < 0.15:
            self.features.add("rawindex")
            return self.small_int(scope, n + 2).text
        if r < 0.35 and n > 0:
            return str(self.rng.randint(-n, n - 1))
        e = self.int_expr(scope, 1)
        self.features.add("wrapindex")
        return f"{self.wrap(e, LIM).text} % {n}" if self.chance(0.6) or n == 0 else f"-1 - ({e.text} % {n})"

    def array_scalar(self, ty, scope, d):
        """An int or float read from an array (element, reduction, size), as a Python scalar."""
        cands = self.vars_of(scope, is_arr)
        if not cands:
            return None
        n, t, b = self.pick(cands)
        _, dt, shape = t
        r = self.rng.random()
        if ty == "int" and r < 0.3:
            k = self.pick([f"len({n})", f"{n}.shape[{self.rng.randrange(len(shape))}]", f"{n}.size", f"{n}.ndim"])
            self.features.add("shape")
            return E(k, "int", max(max(shape) if shape else 0, shape[0] * shape[-1], 2))
        conv = "int" if ty == "int" else "float"
        if ty == "int" and dt == "f8":
            if r < 0.5:
                fn = self.pick(["argmax", "argmin"])
                self.features.add("np." + fn)
                return E(f"int(np.{fn}({n}))", "int", shape[0] * shape[-1])
            return None
        if r < 0.65:
            idx = ", ".join(self.index(s, scope) for s in shape)
            self.features.add("getitem")
            return E(f"{conv}({n}[{idx}])", ty, b)
        fn = self.pick(["sum", "min", "max", "mean", "sum"])
        if ty == "int" and fn == "mean":
            fn = "sum"
        self.features.add("np." + fn)
        text = f"np.{fn}({n})" if self.chance(0.5) else f"{n}.{fn}()"
        size = 1
        for s in shape:
            size *= s
        return E(f"{conv}({text})", ty, (b or VB) * max(size, 1))

    # ------------------------------------------------------------------ statements

    def new_var(self, scope, body, d):
        r = self.rng.random()
        if r < 0.25:
            ty = "int"
        elif r < 0.5:
            ty = "float"
        elif r < 0.6:
            ty = "bool"
        elif r < 0.67:
            ty = "complex"
        elif r < 0.8:
            ty = self.tuple_type()
        elif self.arrays:
            ty = self.arr_type(scope)
        else:
            ty = "float"
        e = self.expr(ty, scope, d)
        if ty == "int":
            e = self.wrap(e)
        if is_arr(ty) and ty[1] == "i8":
            e = self.wrap_arr(e, VB)
        name = self.fresh()
        body.append(Stmt(f"{name} = {e.text}"))
        scope[name] = (ty, self.var_bound(ty))
        if is_tup(ty) and self.chance(0.4):
            names = [self.fresh() for _ in ty[1]]
            body.append(Stmt(f"{', '.join(names)} = {name}"))
            self.features.add("unpack")
            for nm, t in zip(names, ty[1]):
                scope[nm] = (t, self.var_bound(t))

    def reassign(self, scope, body, d):
        cands = self.vars_of(scope, lambda t: not is_arr(t))
        cands = [c for c in cands if c[0][0] not in "iw"]   # loop variables and counters stay put
        if not cands:
            return self.new_var(scope, body, d)
        n, t, b = self.pick(cands)
        if t in ("float", "complex") and self.chance(0.5):
            op = self.pick(["+=", "-=", "*=", "/="])
            if op == "/=":
                e, _ = self.divisor(t, scope, d)
            else:
                e = self.expr(t, scope, d) if self.chance(0.7) else self.wrap(self.int_expr(scope, d), LIM)
            self.features.add("augassign")
            body.append(Stmt(f"{n} {op} {e.text}"))
            return
        if t == "int" and self.chance(0.4):
            op = self.pick(["+", "-", "*", "^", "//"])
            if op == "//":
                e, _ = self.divisor("int", scope, d)
            else:
                e = self.wrap(self.int_expr(scope, d), 2**20)
            whole = self.wrap(E(f"({n} {op} {e.text})", "int", b * e.bound if op == "*" else b + e.bound + 1))
            self.features.add("intupdate")
            body.append(Stmt(f"{n} = {whole.text}"))
            return
        if is_tup(t) and len(t[1]) == 2 and t[1][0] == t[1][1] and self.chance(0.3):
            body.append(Stmt(f"{n} = ({n}[1], {n}[0])"))
            return
        e = self.expr(t, scope, d)
        if t == "int":
            e = self.wrap(e)
        body.append(Stmt(f"{n} = {e.text}"))

    def array_store(self, scope, body, d):
        cands = self.vars_of(scope, is_arr)
        if not cands:
            return self.new_var(scope, body, d)
        n, t, b = self.pick(cands)
        _, dt, shape = t
        elem = "float" if dt == "f8" else "int"
        r = self.rng.random()

        def value(limit):
            e = self.expr(elem, scope, d) if elem == "int" or self.chance(0.8) else self.wrap(self.int_expr(scope, d), LIM)
            return self.wrap(e, limit) if elem == "int" else e

        lim = VB
        if r < 0.45:
            idx = ", ".join(self.index(s, scope) for s in shape)
            self.features.add("setitem")
            body.append(Stmt(f"{n}[{idx}] = {value(lim).text}"))
        elif r < 0.6 and len(shape) == 1:
            lo = self.rng.randint(-shape[0] - 1, shape[0])
            hi = self.rng.randint(lo, shape[0] + 2)
            self.features.add("slicestore")
            body.append(Stmt(f"{n}[{lo}:{hi}] = {value(lim).text}"))
        elif r < 0.75:
            e = self.arr_expr(t, scope, d)
            if dt == "i8":
                e = self.wrap_arr(e, lim)
            self.features.add("slicestore")
            sl = ":" if len(shape) == 1 else ":, :"
            body.append(Stmt(f"{n}[{sl}] = {e.text}"))
        elif r < 0.85 and len(shape) == 2:
            row = self.rng.randint(-shape[0], shape[0] - 1)
            e = self.arr_expr(arr(dt, (shape[1],)), scope, d)
            if dt == "i8":
                e = self.wrap_arr(e, lim)
            self.features.add("rowstore")
            body.append(Stmt(f"{n}[{row}] = {e.text}"))
        elif dt == "f8":
            op = self.pick(["+=", "-=", "*="])
            e = self.arr_operand(t, scope, d)
            self.features.add("arraugassign")
            body.append(Stmt(f"{n} {op} {e.text}"))
        else:
            e = self.wrap_arr(self.arr_expr(t, scope, d), lim)
            body.append(Stmt(f"{n}[{':' if len(shape) == 1 else ':, :'}] = {e.text}"))

    def block(self, scope, depth, ctx, n, keep=False):
        """n statements (fewer when the budget runs out); keep: new names stay in scope."""
        body = []
        if not keep:
            scope = dict(scope)
        for _ in range(n):
            if self.budget <= 0:
                break
            self.stmt(scope, body, depth, ctx)
        return body

    def stmt(self, scope, body, depth, ctx):
        self.budget -= 1
        d = self.rng.randint(1, 3)
        r = self.rng.random()
        nest = depth < 3
        if r < 0.22:
            return self.new_var(scope, body, d)
        if r < 0.38:
            return self.reassign(scope, body, d)
        if r < 0.48 and self.arrays:
            return self.array_store(scope, body, d)
        if r < 0.60 and nest:
            return self.if_stmt(scope, body, depth, ctx)
        if r < 0.70 and nest and ctx["loops"] < 2:
            return self.for_stmt(scope, body, depth, ctx)
        if r < 0.75 and nest and ctx["loops"] < 2:
            return self.while_stmt(scope, body, depth, ctx)
        if r < 0.78 and not ctx.get("helper"):
            return self.clamp_stmt(scope, body)
        if r < 0.82 and ctx["loops"] > 0:
            c = self.bool_expr(scope, 2)
            kw = self.pick(["break", "continue"])
            self.features.add(kw)
            body.append(Stmt(clauses=[(f"if {c.text}:", [Stmt(kw)])]))
            return
        if r < 0.86:
            c = self.bool_expr(scope, 2)
            e = self.expr(ctx["ret"], scope, 2)
            if ctx["ret"] == "int":
                e = self.wrap(e)
            self.features.add("earlyreturn")
            body.append(Stmt(clauses=[(f"if {c.text}:", [Stmt(f"return {e.text}")])]))
            return
        if r < 0.88 and not ctx.get("helper"):   # a helper that always raises has no type
            c = self.bool_expr(scope, 2)
            if self.chance(0.5):
                self.features.add("assert")
                body.append(Stmt(f'assert {c.text}, "fuzz assert {self.counter}"'))
            else:
                self.features.add("raise")
                exc = self.pick(["ValueError", "RuntimeError", "ZeroDivisionError"])
                body.append(Stmt(clauses=[(f"if {c.text}:", [Stmt(f'raise {exc}("fuzz raise {self.counter}")')])]))
            return
        return self.new_var(scope, body, d) if self.chance(0.5) else self.reassign(scope, body, d)

    def clamp_stmt(self, scope, body):
        """The integer clamp ember compiles as predicted branches, after an int() of a float
        tested against a constant (the deferred "did it fit" test): histogram binning."""
        f = self.float_expr(scope, 2)
        k = self.pick(["1.0", "3.5", "0.25", "10.0"])
        b = self.fresh()
        arrs = [(n, t) for n, t, _ in self.vars_of(scope, is_arr) if len(t[2]) == 1 and t[2][0] > 0]
        if arrs and self.chance(0.7):
            n, t = self.pick(arrs)
            size = f"len({n})"
        else:
            n, size = None, str(self.rng.randint(1, 20))
        conv = f"int(max(min({f.text} * {k}, 1e6), -1e6))" if self.chance(0.5) else f"int({f.text} % 1000.0 - 500.0)"
        body.append(Stmt(f"{b} = {conv}"))
        clauses = [(f"if {b} < 0:", [Stmt(f"{b} = 0")]),
                   (f"elif {b} >= {size}:", [Stmt(f"{b} = {size} - 1")])]
        index = b
        if self.chance(0.3):   # only the lower side: the index needs wrapping too
            clauses = clauses[:1]
            index = f"{b} % {size}"
        body.append(Stmt(clauses=clauses))
        self.features.add("clampstmt")
        if n and self.chance(0.7):
            v = self.wrap(self.int_expr(scope, 1)) if t[1] == "i8" else self.float_expr(scope, 1)
            op = "+=" if t[1] == "f8" else "="
            if op == "=":
                v = E(f"({n}[{index}] + {v.text}) % 1009", "int", 1009)
            body.append(Stmt(f"{n}[{index}] {op} {v.text}"))
        scope[b] = ("int", VB)

    def if_stmt(self, scope, body, depth, ctx):
        clauses = [(f"if {self.bool_expr(scope, 2).text}:", self.block(scope, depth + 1, ctx, self.rng.randint(1, 3)))]
        while self.chance(0.3):
            self.features.add("elif")
            clauses.append((f"elif {self.bool_expr(scope, 2).text}:", self.block(scope, depth + 1, ctx, self.rng.randint(1, 2))))
        if self.chance(0.5):
            clauses.append(("else:", self.block(scope, depth + 1, ctx, self.rng.randint(1, 3))))
        body.append(Stmt(clauses=clauses))

    def for_stmt(self, scope, body, depth, ctx):
        var = self.fresh("i")
        tups = self.vars_of(scope, lambda t: is_tup(t) and len(set(t[1])) == 1)
        if tups and self.chance(0.4):
            n, t, _ = self.pick(tups)
            inner = dict(scope)
            inner[var] = (t[1][0], self.var_bound(t[1][0]))
            ctx = dict(ctx, loops=ctx["loops"] + 1)
            self.features.add("fortuple")
            loop_body = self.block(inner, depth + 1, ctx, self.rng.randint(1, 3))
            body.append(Stmt(clauses=[(f"for {var} in {n}:", loop_body)]))
            return
        r = self.rng.random()
        if r < 0.35:
            hi = self.small_int(scope)
            args, bound = hi.text, hi.bound
        elif r < 0.7:
            lo, hi = self.small_int(scope), self.small_int(scope)
            args, bound = f"{lo.text}, {hi.text}", max(lo.bound, hi.bound)
        else:
            lo, hi = self.small_int(scope), self.small_int(scope)
            step = self.pick(["1", "2", "3", "-1", "-2", "(-3)"]) if self.chance(0.9) else self.small_int(scope, 3).text
            args, bound = f"{lo.text}, {hi.text}, {step}", max(lo.bound, hi.bound)
            self.features.add("rangestep")
        inner = dict(scope)
        inner[var] = ("int", bound)
        ctx = dict(ctx, loops=ctx["loops"] + 1)
        loop_body = self.block(inner, depth + 1, ctx, self.rng.randint(1, 4))
        clauses = [(f"for {var} in range({args}):", loop_body)]
        if self.chance(0.2):
            self.features.add("forelse")
            clauses.append(("else:", self.block(scope, depth + 1, dict(ctx, loops=ctx["loops"] - 1), 1)))
        body.append(Stmt(clauses=clauses))

    def while_stmt(self, scope, body, depth, ctx):
        w = self.fresh("w")
        body.append(Stmt(f"{w} = 0"))
        k = self.rng.randint(1, 12)
        c = self.bool_expr(scope, 2)
        inner = dict(scope)
        inner[w] = ("int", k)
        ctx = dict(ctx, loops=ctx["loops"] + 1)
        loop_body = [Stmt(f"{w} += 1")] + self.block(inner, depth + 1, ctx, self.rng.randint(1, 4))
        cond = f"{w} < {k}" if self.chance(0.4) else f"{w} < {k} and {c.text}"
        self.features.add("while")
        clauses = [(f"while {cond}:", loop_body)]
        if self.chance(0.2):
            self.features.add("whileelse")
            clauses.append(("else:", self.block(scope, depth + 1, dict(ctx, loops=ctx["loops"] - 1), 1)))
        body.append(Stmt(clauses=clauses))

    # ------------------------------------------------------------------ functions and arguments

    def scalar_arg(self, ty):
        if ty == "int":
            return str(self.pick(INTS) if self.chance(0.7) else self.rng.randint(-1000, 1000))
        if ty == "float":
            x = self.pick(FLOATS) if self.chance(0.6) else round(self.rng.uniform(-50, 50), 4)
            return flit(x)
        if ty == "bool":
            return self.pick(["True", "False"])
        a, b = self.pick(FLOATS[:12]), self.pick(FLOATS[:12])
        return f"complex({flit(a)}, {flit(b)})"

    def array_arg(self, ty):
        _, dt, shape = ty
        size = shape[0] * (shape[1] if len(shape) == 2 else 1)
        if dt == "f8":
            vals = [flit(self.pick(FLOATS[:16]) if self.chance(0.3) else round(self.rng.uniform(-10, 10), 3)) for _ in range(size)]
        else:
            vals = [str(self.rng.randint(-50, 50)) for _ in range(size)]
        dtype = "np.float64" if dt == "f8" else "np.int64"
        if len(shape) == 1:
            if shape[0] > 0 and self.chance(0.2):   # a strided view of a longer array
                pad = [vals[0] if dt == "i8" else "0.0"] * size
                inter = [x for pair in zip(vals, pad) for x in pair]
                self.features.add("stridedarg")
                return f"np.array([{', '.join(inter)}], dtype={dtype})[::2]"
            return f"np.array([{', '.join(vals)}], dtype={dtype})"
        rows = [f"[{', '.join(vals[i * shape[1]:(i + 1) * shape[1]])}]" for i in range(shape[0])]
        order = ", order='F'" if self.chance(0.25) else ""
        if order:
            self.features.add("fortranarg")
        return f"np.array([{', '.join(rows)}], dtype={dtype}{order})"

    def helper(self, k):
        name = f"h{k}"
        n = self.rng.randint(1, 3)
        ptypes = tuple(self.pick(["int", "float", "float", "bool"]) for _ in range(n))
        rty = self.pick(["int", "float", "float", "bool"])
        scope = {}
        params = []
        for i, t in enumerate(ptypes):
            p = f"p{i}"
            params.append(p)
            scope[p] = (t, self.var_bound(t))
        self.budget = self.rng.randint(1, 4)
        ctx = {"loops": 0, "ret": rty, "helper": True}
        saved, self.arrays = self.arrays, False
        body = self.block(scope, 1, ctx, self.budget, keep=True)
        e = self.expr(rty, scope, 2)
        if rty == "int":
            e = self.wrap(e)
        body.append(Stmt(f"return {e.text}"))
        self.arrays = saved
        self.helpers.append((name, ptypes, rty, VB if rty == "int" else (1 if rty == "bool" else None)))
        return Function(name, params, body, "@njit")

    def program(self):
        rng = self.rng
        self.arrays = self.chance(0.45)
        self.boundscheck = self.arrays and self.chance(0.5)
        helpers = [self.helper(k) for k in range(rng.choice([0, 0, 1, 1, 2]))]
        scope = {}
        params, args = [], []
        for i in range(rng.randint(1, 4)):
            if self.arrays and (i == 0 or self.chance(0.4)):
                dt = self.pick(["f8", "f8", "i8"])
                shape = (rng.randint(1, 7),) if self.chance(0.7) else (rng.randint(1, 4), rng.randint(1, 4))
                if self.chance(0.05):
                    shape = (0,)
                t = arr(dt, shape)
                args.append(self.array_arg(t))
                bound = VB if dt == "i8" else None
            else:
                t = self.pick(["int", "float", "int", "float", "bool", "complex"])
                args.append(self.scalar_arg(t))
                bound = VB if t == "int" else (1 if t == "bool" else None)
            p = f"a{i}"
            params.append(p)
            scope[p] = (t, bound)
        r = rng.random()
        if r < 0.3:
            ret = "int"
        elif r < 0.55:
            ret = "float"
        elif r < 0.62:
            ret = "bool"
        elif r < 0.7:
            ret = "complex"
        elif r < 0.85 or not self.arrays:
            ret = self.tuple_type()
        else:
            ret = self.arr_type(scope)
        ctx = {"loops": 0, "ret": ret}
        self.budget = rng.randint(3, 14)
        body = self.block(scope, 0, ctx, self.budget, keep=True)
        e = self.expr(ret, scope, 2)
        if ret == "int":
            e = self.wrap(e)
        body.append(Stmt(f"return {e.text}"))
        deco = "@njit(boundscheck=True)" if self.boundscheck else "@njit"
        main = Function("f", params, body, deco)
        args_text = "(" + ", ".join(args) + ("," if len(args) == 1 else "") + ")"
        return Program(self.seed, [h for h in helpers], main, args_text, sorted(self.features))


def generate(seed, avoid=()):
    """The program for seed (an int): deterministic, so a seed names its program.

    avoid: names of features not to generate (see KNOWN_BUGS in runner.py).
    """
    return Gen(seed, avoid).program()
