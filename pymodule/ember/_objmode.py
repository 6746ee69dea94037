"""``with objmode(z="float64[:]", n="int64"):`` blocks: their body runs in the interpreter.

    from ember import njit, objmode

    @njit
    def f(x):
        with objmode(y="float64[:]"):
            y = scipy.signal.detrend(x)     # any Python, with the GIL
        return y.sum()

How it works, end to end:

- The frontend (frontend/decode.c, objmode_block) reads the ``with`` from the bytecode: it finds
  the block's extent, the variables the body reads before it assigns them (its live-ins) and
  checks that every variable it assigns and the code after it reads is declared. It calls
  ``outline`` below, which finds the ``with`` in the function's source (``ast``), reads the
  declared types (strings or ``ember.types`` objects, evaluated in the function's globals) and
  returns the block's key. The IR gets one OBJMODE instruction: live-ins in, a tuple of the
  declared outputs out.
- Generated code (codegen/lower_objmode.c) calls ``ember_rt_objmode(desc, ins, out)``
  (runtime/objmode.c) with a constant description: the key, and the name and type of each
  live-in and output. No host address is in the code (DESIGN.md contract 1), so the cache and
  the JIT share it.
- The runtime takes the GIL, boxes the live-ins, calls the block's function, and unboxes the
  outputs to their declared types. ``block`` below gives it the function for its key, once per
  process; where the process compiled nothing (a cache hit) it builds it (``_build``) from the
  source of the function that ``remember`` saw decorated: ``def <block>(<live-ins>): <body>; return (<outputs>,)``, compiled with the
  function's file name and line numbers (tracebacks point at the user's lines), its globals and
  the values of its closure.
- An exception the body raises travels through compiled code as the Python object itself
  (runtime/objmode.c): a compiled ``try`` catches it by class, and one that escapes reaches the
  caller unchanged.

Limits: the function's source must be readable (``inspect.getsource``) and unchanged since the
module was loaded (a changed file is detected where the function's name or the block's names no
longer match, and refused); a ``with`` in code typed at ``python -c`` or ``exec``'d from a string
cannot be outlined.
"""
import os
import weakref

__all__ = ["objmode"]


class _ObjModeContext:
    """``objmode(name=type, ...)``: in compiled code, a block run by the interpreter. Called
    from plain Python (EMBER_DISABLE_JIT, ``f.py_func``) it is a context manager that does
    nothing, as Numba's is."""

    def __call__(self, *args, **outputs):
        if args:
            raise TypeError("objmode takes the output variables as keywords: objmode(y='float64[:]')")
        return self

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return "ember.objmode"


objmode = _ObjModeContext()

# Functions by (file, qualname, first line), so a process that loads a cached specialisation can
# rebuild its blocks; the blocks' functions by key. Owner: this module, under the GIL.
_functions = {}
_blocks = {}


def remember(func):
    """The decorator saw func: its blocks can be rebuilt from it later (a cache hit compiles
    nothing)."""
    co = func.__code__
    try:
        _functions[(co.co_filename, co.co_qualname, co.co_firstlineno)] = weakref.ref(func)
    except TypeError:
        pass


def _key(code, line):
    return "%s:%s:%d:%d" % (code.co_filename, code.co_qualname, code.co_firstlineno, line)


def _find_with(code, line):
    """The ast.With at `line` in code's source, with line numbers as in the file."""
    import ast
    import inspect
    import textwrap

    try:
        lines, start = inspect.getsourcelines(code)
    except (OSError, TypeError) as e:
        raise SyntaxError("cannot read the source of %s to outline its objmode block: %s" % (code.co_qualname, e))
    tree = ast.parse(textwrap.dedent("".join(lines)))
    ast.increment_lineno(tree, start - 1)
    top = tree.body[0] if tree.body else None
    if not isinstance(top, (ast.FunctionDef, ast.Lambda)) or getattr(top, "name", code.co_name) != code.co_name:
        raise SyntaxError("the source of %s in %s changed since it was loaded: cannot outline its objmode block"
                          % (code.co_qualname, code.co_filename))
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and (node.lineno == line or any(
                item.context_expr.lineno == line for item in node.items)):
            return node
    raise SyntaxError("cannot find the with statement of line %d in the source of %s" % (line, code.co_qualname))


def _check_body(node, code):
    """return, break and continue cannot leave an outlined body (the frontend refuses those it
    sees in the bytecode; a break or continue that ends the body looks like its normal end)."""
    import ast
    from ember.errors import UnsupportedError

    def walk(n, in_loop):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return
        if isinstance(n, ast.Return) or (isinstance(n, (ast.Break, ast.Continue)) and not in_loop):
            what = "return" if isinstance(n, ast.Return) else "break or continue"
            raise UnsupportedError("%s inside an objmode block is not supported (line %d): the block runs "
                                   "to its end" % (what, n.lineno))
        if isinstance(n, (ast.For, ast.AsyncFor, ast.While)):   # their own break and continue
            for c in n.body:
                walk(c, True)
            for c in n.orelse:
                walk(c, in_loop)
            return
        for c in ast.iter_child_nodes(n):
            walk(c, in_loop)

    for stmt in node.body:
        walk(stmt, False)


def _type_name(value, name, env):
    from ember import types

    if isinstance(value, str):
        return value
    if isinstance(value, types.Type):
        return value.name
    raise TypeError("objmode(%s=...) takes a type: a string such as 'float64[:]' or an ember.types object, "
                    "not %s" % (name, type(value).__name__))


def outline(code, globals_, closure, line, live_ins):
    """Called by the frontend while compiling: the block at `line` of code. Returns its key,
    the declared output names, their type names (as written: the compiler parses them) and the
    live-ins' names."""
    import ast

    node = _find_with(code, line)
    from ember.errors import UnsupportedError
    if len(node.items) != 1:
        raise UnsupportedError("objmode must be the only context manager of its with statement")
    if code.co_freevars and closure is None:   # an inner def of a compiled function: its cells are its caller's
        raise UnsupportedError("objmode blocks in a function defined inside a compiled function are not supported")
    used = {n.id for stmt in node.body for n in ast.walk(stmt) if isinstance(n, ast.Name)}
    if not set(live_ins) <= used:   # the bytecode's block reads names this source's does not
        raise SyntaxError("the source of %s in %s changed since it was loaded: cannot outline its objmode block"
                          % (code.co_qualname, code.co_filename))
    call = node.items[0].context_expr
    keywords = call.keywords if hasattr(call, "keywords") else []
    env = dict(zip(code.co_freevars, [c.cell_contents for c in closure or ()]))
    names, types_ = [], []
    for kw in keywords:
        if kw.arg is None:
            raise TypeError("objmode(**kwargs) is not supported: name each output")
        value = eval(compile(ast.Expression(kw.value), code.co_filename, "eval"), globals_, env)
        names.append(kw.arg)
        types_.append(_type_name(value, kw.arg, env))
    _check_body(node, code)
    key = _key(code, line)
    k = (key, tuple(live_ins), tuple(names))
    if k not in _blocks:   # the first build in a process stands (a factory's later closures share the key)
        _blocks[k] = _build(code, globals_, closure, node, live_ins, names)
    return key, tuple(names), tuple(types_), tuple(live_ins)


def _build(code, globals_, closure, node, live_ins, outputs):
    """def <block>(<live-ins>): <body>; return (<outputs>,), with the function's globals, its
    closure's values as free variables, and the body's own line numbers."""
    import ast
    import types

    def at(n):
        return ast.copy_location(n, node)

    ret = at(ast.Return(at(ast.Tuple([at(ast.Name(o, ast.Load())) for o in outputs], ast.Load()))))
    args = ast.arguments(posonlyargs=[], args=[ast.arg(n) for n in live_ins], kwonlyargs=[], kw_defaults=[],
                         defaults=[])
    inner = at(ast.FunctionDef("objmode_block", args, list(node.body) + [ret], [], None))
    outer_args = ast.arguments(posonlyargs=[], args=[ast.arg(n) for n in code.co_freevars], kwonlyargs=[],
                               kw_defaults=[], defaults=[])
    outer = at(ast.FunctionDef("objmode_outer", outer_args, [inner, at(ast.Return(at(ast.Name("objmode_block",
                                                                                                 ast.Load()))))],
                               [], None))
    module = ast.fix_missing_locations(ast.Module([outer], []))
    compiled = compile(module, code.co_filename, "exec")
    outer_code = next(c for c in compiled.co_consts if isinstance(c, types.CodeType))
    make = types.FunctionType(outer_code, globals_, "objmode_outer")
    block = make(*[c.cell_contents for c in closure or ()])
    block.__qualname__ = "%s.<objmode block, line %d>" % (code.co_qualname, node.lineno)
    return block


def _inner_code(code, qualname, first):
    """The code object of an inner def (qualname at line first) anywhere inside code."""
    for c in code.co_consts:
        if hasattr(c, "co_code"):
            if c.co_qualname == qualname and c.co_firstlineno == first:
                return c
            found = _inner_code(c, qualname, first)
            if found is not None:
                return found
    return None


def _same_file(f, filename):
    """The file named in a cached block's key, or that file moved with its project (a copied
    checkout, a renamed folder: the cache moves with __pycache__): the same name, the decorated
    function found by its qualname and line."""
    return f == filename or os.path.basename(f) == os.path.basename(filename)


def _rebuild(key, live_ins, outputs):
    """A block of a specialisation loaded from the cache: rebuilt from the decorated function
    (or from an inner def of one, which compiled with it)."""
    filename, qualname, first, line = key.rsplit(":", 3)
    ref = _functions.get((filename, qualname, int(first)))
    if ref is None:   # moved: the one decorated function of that qualname and line in a file of that name
        moved = [r for (f, q, n), r in list(_functions.items())
                 if q == qualname and n == int(first) and _same_file(f, filename)]
        ref = moved[0] if len(moved) == 1 else None
    func = ref() if ref else None
    if func is not None:
        code, closure = func.__code__, func.__closure__
    else:
        for (f, _, _), ref in list(_functions.items()):
            func = ref() if _same_file(f, filename) else None
            code = _inner_code(func.__code__, qualname, int(first)) if func is not None else None
            if code is not None:
                closure = None
                break
        else:
            raise RuntimeError("ember: the objmode block at %s:%s belongs to %s, which this process has not "
                               "decorated" % (filename, line, qualname))
    node = _find_with(code, int(line))
    return _build(code, func.__globals__, closure, node, live_ins, outputs)


def block(key, live_ins, outputs):
    """Called by compiled code (runtime/objmode.c) with the GIL, once per block and process: the
    block's function, rebuilt from the decorated function when this process compiled nothing."""
    k = (key, live_ins, outputs)
    found = _blocks.get(k)
    if found is None:
        found = _blocks[k] = _rebuild(key, live_ins, outputs)
    return found
