"""ember.extending: Numba's high-level extension API (numba.extending).

    from ember.extending import overload, register_jitable

    def clip01(x):                     # plain Python: called from Python as it is
        return min(max(x, 0.0), 1.0)

    @overload(clip01)
    def _clip01(x):                    # called by compiled code with the argument *types*
        if isinstance(x, types.Array):
            def impl(x):
                return np.minimum(np.maximum(x, 0.0), 1.0)
            return impl
        if isinstance(x, types.Number):
            return lambda x: min(max(x, 0.0), 1.0)

- register_jitable(fn): fn stays a Python function; compiled code calls its compiled version.
- overload(func): when compiled code calls `func`, each typer registered for it is called with the
  ember.types objects of the arguments (keywords by name); the first that returns a function
  gives the implementation, compiled with the typer's jit_options. None from every typer is a
  located TypingError.
- overload_method(type_class, name) and overload_attribute(type_class, name): `x.name(...)` and
  `x.name` in compiled code, for x whose type is an instance of type_class (types.Array,
  types.Float, types.Integer, types.Number, types.UnicodeType, types.ListType, ...): the typer
  gets the receiver's type first; the implementation takes the receiver first.

Typing asks this module through three functions (typeinfer/calls.c): _dispatcher_for,
_method_for and _attribute_for. Numba's low-level API (intrinsic, models, lowering, boxing)
builds LLVM IR with llvmlite objects, which ember does not have: those names raise.
"""
import inspect

from ember import types as _types

__all__ = ["register_jitable", "is_jitted", "overload", "overload_method", "overload_attribute", "intrinsic",
           "typeof_impl", "type_callable", "models", "register_model", "make_attribute_wrapper",
           "lower_builtin", "box", "unbox", "NativeValue", "get_cython_function_address"]

_METHODS = {}      # name -> [(type class, typer, jit options)]
_ATTRIBUTES = {}   # name -> [(type class, typer, jit options)]
_compiled = {}     # implementation function -> its Dispatcher, per jit options


def _jit(impl, options):
    code = getattr(impl, "__code__", None)
    if code is not None and "literally" in code.co_names:   # Numba's `return lambda x: literally(x)`
        from ember.errors import UnsupportedError
        raise UnsupportedError(f"the overload implementation {impl.__qualname__} asks for a literal argument "
                               "(literally()): ember has no literal types, so its typer never sees one; give the "
                               "overload a branch for plain types")
    key = (impl, tuple(sorted(options.items())))
    d = _compiled.get(key)
    if d is None:
        from ember import njit
        d = _compiled[key] = njit(**options)(impl)
    return d


def is_jitted(function):
    """Whether function is what an ember decorator returned (a Dispatcher: @jit, @njit)."""
    from ember import Dispatcher
    return isinstance(function, Dispatcher)


def register_jitable(*args, **kwargs):
    """@register_jitable or @register_jitable(**jit_options): callable from Python (the function
    itself) and from compiled code (its compiled version)."""
    def wrap(fn):
        from ember import njit
        fn.__ember_jitable__ = njit(**kwargs)(fn)
        return fn
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return wrap(args[0])
    return wrap


def _options(jit_options, kwargs):
    opts = dict(jit_options or {})
    unknown = set(kwargs) - {"strict", "inline", "prefer_literal", "target", "no_unliteral"}
    if unknown:
        raise TypeError(f"overload: unknown option(s) {', '.join(sorted(unknown))}")
    return opts


_FOREIGN = {}   # id(obj) -> (obj, [(typer, jit options)]) for what takes no attribute (a ufunc, a builtin)


def _overloads(func):
    """The (typer, jit options) registered for func, in order."""
    got = getattr(func, "__ember_overloads__", None)
    return got if got is not None else _FOREIGN.get(id(func), (None, []))[1]


def _overloaded(func):
    """typeinfer: whether compiled code calling func calls an @overload."""
    return bool(_overloads(func))


def overload(func, jit_options=None, **kwargs):
    """@overload(func): compiled code calling `func` (a Python function, a NumPy function, a ufunc
    such as one of scipy.special's) calls the implementation the decorated typer returns for the
    argument types. A builtin or NumPy function ember compiles itself keeps ember's version."""
    opts = _options(jit_options, kwargs)
    if not callable(func):
        raise TypeError(f"ember.extending.overload: {func!r:.60} is not callable")

    def decorate(typer):
        entry = (typer, opts)
        try:
            func.__ember_overloads__ = getattr(func, "__ember_overloads__", []) + [entry]
        except (AttributeError, TypeError):
            _FOREIGN.setdefault(id(func), (func, []))[1].append(entry)
        return typer
    return decorate


def _register(table, type_class, name, jit_options, kwargs):
    opts = _options(jit_options, kwargs)
    if not (isinstance(type_class, type) and issubclass(type_class, _types.Type)):
        raise TypeError(f"expected a class of ember.types (types.Array, types.Float, ...), not {type_class!r:.60}")

    def decorate(typer):
        table.setdefault(name, []).append((type_class, typer, opts))
        return typer
    return decorate


def overload_method(type_class, name, jit_options=None, **kwargs):
    """@overload_method(types.Array, "name"): x.name(...) in compiled code."""
    return _register(_METHODS, type_class, name, jit_options, kwargs)


def overload_attribute(type_class, name, jit_options=None, **kwargs):
    """@overload_attribute(types.Array, "name"): x.name in compiled code."""
    return _register(_ATTRIBUTES, type_class, name, jit_options, kwargs)


def _split(type_names, kwnames):
    ts = [_types.from_name(n) for n in type_names]
    npos = len(ts) - len(kwnames)
    return ts[:npos], dict(zip(kwnames, ts[npos:]))


def _takes(typer, pos, kw):
    """Whether typer's parameters take these arguments: an @overload of other arity is another
    overload's (Numba tries the next one)."""
    try:
        sig = inspect.signature(typer)
    except (TypeError, ValueError):
        return True
    try:
        sig.bind(*pos, **kw)
    except TypeError:
        return False
    return True


def _dispatcher_for(func, type_names, kwnames):
    """typeinfer: the Dispatcher compiled code calls for func(args of these types)."""
    pos, kw = _split(type_names, kwnames)
    for typer, opts in _overloads(func):
        if not _takes(typer, pos, kw):
            continue
        impl = typer(*pos, **kw)
        if impl is not None:
            return _jit(impl, opts)
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", repr(func))
    raise TypeError(f"no overload of {name} takes ({', '.join(str(_types.from_name(n)) for n in type_names)})")


def _method_for(recv_name, name, type_names, kwnames):
    """typeinfer: the Dispatcher for recv.name(args), the receiver first; None if none matches."""
    recv = _types.from_name(recv_name)
    pos, kw = _split(type_names, kwnames)
    for type_class, typer, opts in _METHODS.get(name, ()):
        if isinstance(recv, type_class) and _takes(typer, (recv,) + tuple(pos), kw):
            impl = typer(recv, *pos, **kw)
            if impl is not None:
                return _jit(impl, opts)
    return None


def _attribute_for(recv_name, name):
    """typeinfer: "method" where recv.name is an overloaded method, the Dispatcher of recv.name
    where it is an overloaded attribute, None otherwise."""
    if name not in _METHODS and name not in _ATTRIBUTES:
        return None
    recv = _types.from_name(recv_name)
    if any(isinstance(recv, c) for c, _, _ in _METHODS.get(name, ())):
        return "method"
    for type_class, typer, opts in _ATTRIBUTES.get(name, ()):
        if isinstance(recv, type_class):
            impl = typer(recv)
            if impl is not None:
                return _jit(impl, opts)
    return None


class _LowLevel:
    """A name of Numba's low-level extension API: it builds LLVM IR through llvmlite, which ember
    does not use."""

    def __init__(self, name):
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        from ember.errors import UnsupportedError
        raise UnsupportedError(f"numba.extending.{self.__name__} is Numba's low-level extension API (LLVM IR "
                               "through llvmlite), which ember does not have: write the function in Python "
                               "with @overload or @register_jitable instead")

    def __getattr__(self, attr):
        return self


intrinsic, typeof_impl, type_callable, models, register_model = (_LowLevel(n) for n in (
    "intrinsic", "typeof_impl", "type_callable", "models", "register_model"))
make_attribute_wrapper, lower_builtin, box, unbox, NativeValue = (_LowLevel(n) for n in (
    "make_attribute_wrapper", "lower_builtin", "box", "unbox", "NativeValue"))


def get_cython_function_address(module_name, function_name):
    """The address of a Cython module's exported C function (`__pyx_capi__`), as Numba's: wrapped
    in a ctypes prototype (`ctypes.CFUNCTYPE(c_double, c_double)(addr)`) it is callable from
    compiled code (scipy.special.cython_special's functions, as numba-stats calls them). The code
    names it by module and function, found again in each process (DESIGN.md contract 1)."""
    from ember import _ffi
    return _ffi.cython_function_address(module_name, function_name)
