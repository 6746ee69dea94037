"""ember.experimental: Numba's jitclass.

    from ember import float64, int64
    from ember.experimental import jitclass

    @jitclass([("n", int64), ("total", float64)])
    class Mean:
        def __init__(self):
            self.n = 0
            self.total = 0.0

        def add(self, x):
            self.n += 1
            self.total += x

        @property
        def value(self):
            return self.total / self.n

A jitclass is a class whose instances compiled code makes and uses as native values: a counted
block holding the fields the spec names (a list of (name, type) pairs or a dict; class
annotations name the fields the spec leaves out), laid out as a C struct (runtime/jitclass.c,
codegen/lower_jitclass.c). Its methods, properties and static methods are compiled when first
called with their argument types, the instance first. Calling the class, in Python or in
compiled code, runs the constructor: a zeroed instance, then __init__.

In Python, an instance is a box of the class that holds a reference to the block: its fields,
properties and methods are compiled functions of the instance, so passing it to an @njit function
passes the same instance (changes show on both sides), and an instance compiled code returns
comes back boxed.

Under EMBER_DISABLE_JIT (or NUMBA_DISABLE_JIT) the decorator returns the class itself, as Numba's
does: a plain Python class.
"""
import itertools as _itertools

from ember import _ember, types as _types

__all__ = ["jitclass"]

_serial = _itertools.count(1)


def _new_instance(instance_type):
    """Compiled code's primitive for a jitclass's constructor: a zeroed instance of the type."""
    raise TypeError("_new_instance is only called by compiled code (a jitclass's constructor)")


class JitClassType(type):
    """The metaclass of jitclasses: calling one runs the compiled constructor."""

    def __call__(cls, *args, **kwargs):
        return cls._ember_ctor(*args, **kwargs)

    def __repr__(cls):
        return f"<jitclass {cls.__module__}.{cls.__qualname__}>"


class ClassType:
    """What Numba's Cls.class_type holds: the instance type, the fields and the compiled members."""

    def __init__(self, pycls, fields, methods, props, static):
        self.class_name = pycls.__name__
        self.class_doc = pycls.__doc__
        self.struct = dict(fields)
        self.jit_methods = dict(methods)
        self.jit_props = dict(props)
        self.jit_static_methods = dict(static)
        self.instance_type = None

    def __repr__(self):
        return f"jitclass.{self.class_name}"


def jitclass(cls_or_spec=None, spec=None):
    """@jitclass(spec), @jitclass (fields from the class's annotations) or jitclass(cls, spec).
    spec: a list of (name, type) pairs or a dict {name: type}; types are ember.types objects (or
    their names), another jitclass's Cls.class_type.instance_type included."""
    if cls_or_spec is not None and isinstance(cls_or_spec, type):
        return _make(cls_or_spec, spec)
    if cls_or_spec is not None and spec is not None:
        raise TypeError("jitclass takes a class and a spec, or a spec alone")
    spec = cls_or_spec if cls_or_spec is not None else spec

    def wrap(cls):
        return _make(cls, spec)

    return wrap


_PY_TYPES = {float: "float64", int: "int64", bool: "bool", complex: "complex128", str: "unicode_type"}


def _from_annotation(t):
    """A Python annotation as Numba's as_numba_type reads it: float, int, bool, complex, str,
    typing.List[T], typing.Dict[K, V] (typed containers), typing.Tuple[...], typing.Optional[T];
    anything else unchanged."""
    if isinstance(t, type) and t in _PY_TYPES:
        return _types.from_name(_PY_TYPES[t])
    if isinstance(t, JitClassType):
        return t.class_type.instance_type
    origin, args = getattr(t, "__origin__", None), getattr(t, "__args__", ())
    if origin is list and len(args) == 1:
        return _types.ListType(_from_annotation(args[0]))
    if origin is dict and len(args) == 2:
        return _types.DictType(_from_annotation(args[0]), _from_annotation(args[1]))
    if origin is tuple and args and args[-1] is not Ellipsis:
        return _types.Tuple([_from_annotation(a) for a in args])
    if origin is not None and len(args) == 2 and type(None) in args:   # typing.Optional[T]
        inner = _from_annotation(args[0] if args[1] is type(None) else args[1])
        return _types.Optional(inner)
    return t


def _type_name(t, where):
    t = _from_annotation(t)
    if isinstance(t, str):
        t = _types.from_name(t)
    if not isinstance(t, _types.Type):
        raise TypeError(f"{where}: a field's type must be an ember type (ember.types.float64, float64[:], "
                        f"ListType(...), Cls.class_type.instance_type), not {t!r:.80}")
    return str(t)


def _deferred(t):
    """(the DeferredType, optional) where t is one or Optional of one not defined yet, else None."""
    if isinstance(t, _types.Optional) and isinstance(t.type, _types.DeferredType):
        return (t.type, True) if t.type._type is None else None
    if isinstance(t, _types.DeferredType):
        return (t, False) if t._type is None else None
    return None


def _defined(t):
    """t with a defined deferred_type replaced by its instance type."""
    if isinstance(t, _types.Optional) and isinstance(t.type, _types.DeferredType) and t.type._type is not None:
        return _types.Optional(t.type._type)
    if isinstance(t, _types.DeferredType) and t._type is not None:
        return t._type
    return t


def _fields(pycls, spec):
    """{name: type name} and {name: (DeferredType, optional)} of the fields given later."""
    if spec is None:
        spec = []
    items = list(spec.items()) if isinstance(spec, dict) else list(spec)
    items += [(n, t) for n, t in pycls.__dict__.get("__annotations__", {}).items() if n not in dict(items)]
    fields, later = {}, {}
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
            raise TypeError(f"jitclass {pycls.__name__}: the spec is a list of (name, type) pairs, not {item!r:.80}")
        name, t = item
        deferred = _deferred(t)
        if deferred:
            later[name] = deferred
            fields[name] = "deferred"
        else:
            fields[name] = _type_name(_defined(t), f"jitclass {pycls.__name__}, field '{name}'")
    return fields, later


def _accessor(name, setter):
    """The compiled function reading (or writing) field `name` of an instance."""
    src = f"def set_{name}(self, value):\n    self.{name} = value\n" if setter else \
          f"def get_{name}(self):\n    return self.{name}\n"
    ns = {}
    exec(src, {}, ns)
    return _jit(ns[f"{'set' if setter else 'get'}_{name}"])


def _jit(func):
    from ember import njit
    return njit(func)


def _constructor(pycls, init, instance_type):
    """The compiled constructor: def new(<__init__'s parameters>): a zeroed instance, then __init__."""
    import inspect
    g = {"_new_instance": _new_instance, "_T": instance_type}
    params, call = [], []
    if init is not None:
        sig = inspect.signature(init)
        ps = list(sig.parameters.values())
        if not ps or ps[0].kind not in (ps[0].POSITIONAL_ONLY, ps[0].POSITIONAL_OR_KEYWORD):
            raise TypeError(f"jitclass {pycls.__name__}: __init__ must take self first")
        g["_init"] = _jit(init)
        star = False
        for k, p in enumerate(ps[1:]):
            if p.kind == p.VAR_KEYWORD:
                raise TypeError(f"jitclass {pycls.__name__}: __init__'s **{p.name} is not supported")
            text = p.name
            if p.kind == p.VAR_POSITIONAL:
                text, star = "*" + p.name, True
                call.append("*" + p.name)
            elif p.kind == p.KEYWORD_ONLY:
                if not star:
                    params.append("*")
                    star = True
                call.append(f"{p.name}={p.name}")
            else:
                call.append(p.name)
            if p.default is not p.empty:
                g[f"_d{k}"] = p.default
                text += f"=_d{k}"
            params.append(text)
    body = "    self = _new_instance(_T)\n"
    if init is not None:
        body += f"    _init(self, {', '.join(call)})\n"
    src = f"def {pycls.__name__}({', '.join(params)}):\n{body}    return self\n"
    code = compile(src, f"<jitclass {pycls.__qualname__} constructor>", "exec")
    exec(code, g)
    ctor = g[pycls.__name__]
    ctor.__qualname__ = pycls.__qualname__
    ctor.__module__ = pycls.__module__
    return _jit(ctor)


def _make(pycls, spec):
    from ember import config
    if config.DISABLE_JIT:   # EMBER_DISABLE_JIT: the plain Python class, as Numba gives it
        return pycls
    for base in pycls.__mro__[1:]:
        if isinstance(base, JitClassType) or base.__dict__.get("__slots__") is not None or \
                (base is not object and base.__module__ == "builtins"):
            raise TypeError(f"jitclass {pycls.__name__}: a jitclass cannot inherit from {base.__name__} (from plain "
                            f"Python classes only, whose methods it takes)")
    fields, later = _fields(pycls, spec)
    members = {}   # the class's own and its plain Python bases' methods, the nearest first (as Numba's)
    for base in reversed(pycls.__mro__[:-1]):
        members.update(base.__dict__)
    methods, props, static, init = {}, {}, {}, None
    for name, v in members.items():
        if name == "__init__":
            init = v
        elif isinstance(v, staticmethod):
            static[name] = _jit(v.__func__)
        elif isinstance(v, classmethod):
            raise TypeError(f"jitclass {pycls.__name__}: classmethod '{name}' is not supported")
        elif isinstance(v, property):
            if v.fget is None:
                raise TypeError(f"jitclass {pycls.__name__}: property '{name}' has no getter")
            props[name] = (_jit(v.fget), None if v.fset is None else _jit(v.fset))
        elif callable(v) and hasattr(v, "__code__"):
            methods[name] = _jit(v)
        elif name in fields:
            raise TypeError(f"jitclass {pycls.__name__}: field '{name}' cannot have a class-level value")
    clash = set(fields) & (set(methods) | set(props) | set(static))
    if clash:
        raise TypeError(f"jitclass {pycls.__name__}: '{sorted(clash)[0]}' is both a field and a method")
    class_type = ClassType(pycls, fields, methods, props, static)
    ns = {"__slots__": (), "__module__": pycls.__module__, "__qualname__": pycls.__qualname__,
          "__doc__": pycls.__doc__, "class_type": class_type, "_ember_methods": methods,
          "_ember_props": props, "_ember_static": static,
          "_numba_type_": property(lambda self: class_type.instance_type)}
    # Python-level access: compiled functions of the instance. A Dispatcher binds as a method
    # does (a method descriptor), and a property calls it with the instance.
    ns.update({f: property(_accessor(f, False), _accessor(f, True)) for f in fields})
    ns.update({p: property(get, put) for p, (get, put) in props.items()})
    ns.update({s: staticmethod(d) for s, d in static.items()})
    box = JitClassType(pycls.__name__, (_ember.JitObject,), ns)
    for m, d in methods.items():   # (after: in the namespace, __eq__ would make the class unhashable)
        setattr(box, m, d)
    name = _ember.jitclass_type(box, pycls.__name__, next(_serial), list(fields.items()))
    class_type.instance_type = _types.ClassInstanceType(name, class_type)
    for f, (deferred, optional) in later.items():   # typed when deferred.define(...) runs
        deferred._waiting.append((box, f, optional))
    box._ember_ctor = _constructor(pycls, init, class_type.instance_type)
    box._ember_ctor._ember_jitclass = box   # Cls.static_method() in compiled code (typeinfer/jitclass.c)
    return box
