"""Numba's type objects, over ember's types.

    from ember import njit, types
    @njit(types.float64(types.float64[:, ::1], types.int64))

A type object is a name that ember's signature parser reads (typeinfer/types.c, ty_parse), plus
what Python code asks of it (dtype, ndim, layout, elements). Objects compare equal by name, also
to the plain strings ember used before (``typeof(a) == "array(float64, 1d, C)"``), so signature
strings and objects mix freely. What ember reports (``Dispatcher.signatures``, ``typeof``) comes
back from C as names and is rebuilt here from ember's own parse of them (``describe_type``), so
this module holds no second parser.

Scalars keep their NumPy width (``float32`` is not ``float64``): it chooses a ufunc loop's dtype
and a cfunc's C type. Compiled code computes with the canonical scalar of each kind (bool, int64,
uint64, float64, complex128), so a function compiled for ``float32(float32)`` reports float64.
"""
import sys as _sys
from ember import _ember

__all__ = ["Type", "Number", "Boolean", "Integer", "Float", "Complex", "NoneType", "Array", "UniTuple",
           "Tuple", "BaseTuple", "Optional", "CPointer", "Signature", "optional", "void", "none", "boolean",
           "bool_", "b1", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp",
           "uintp", "int_", "float32", "float64", "double", "complex64", "complex128", "i1", "i2", "i4", "i8",
           "u1", "u2", "u4", "u8", "f4", "f8", "c8", "c16", "intc", "uintc", "voidptr", "from_name", "ListType",
           "DictType", "unicode_type", "FunctionType", "Record", "NestedArray", "UnicodeCharSeq", "DType",
           "ClassInstanceType", "DeferredType", "deferred_type",
           "UnicodeType", "string", "List", "Literal", "IntegerLiteral", "BooleanLiteral", "StringLiteral", "literal",
           "unliteral", "Omitted", "EnumMember"]


class Type:
    """A type ember can name. Calling one makes a signature: float64(int64, float64[:])."""

    _ember_typeref = True   # compiled code reads a type object as the type it names (typeinfer/typed.c)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name

    __str__ = __repr__

    def __eq__(self, other):
        if isinstance(other, Type):
            return self.name == other.name
        if isinstance(other, str):
            return self.name == other
        return NotImplemented

    def __hash__(self):
        return hash(self.name)

    def __lt__(self, other):
        return str(self) < str(other)

    def __reduce__(self):
        return from_name, (self.name,)

    def __call__(self, *args):
        if len(args) == 1 and isinstance(args[0], (tuple, list)):
            args = tuple(args[0])
        return Signature(self, args)


class NoneType(Type):
    pass


class _Element(Type):
    """An array's element type (a number or a record): subscripting makes an array type,
    float64[:, ::1]."""

    def __getitem__(self, dims):
        if not isinstance(dims, tuple):
            dims = (dims,)
        if not dims or not all(isinstance(d, slice) and d.start is None and d.stop is None and d.step in (None, 1)
                               for d in dims):
            raise TypeError(f"array types are written {self.name}[:], {self.name}[:, ::1] or {self.name}[::1, :] "
                            f"(':' per dimension, '::1' on the contiguous one), not {self.name}[{_dims_text(dims)}]")
        ones = [k for k, d in enumerate(dims) if d.step == 1]
        if len(ones) > 1 or (ones and ones[0] not in (0, len(dims) - 1)):
            raise TypeError(f"'::1' must be on the first (F order) or last (C order) dimension, once: "
                            f"{self.name}[{_dims_text(dims)}]")
        layout = "A" if not ones else "C" if ones[0] == len(dims) - 1 else "F"
        return Array(self, len(dims), layout)


class Number(_Element):
    """A scalar of a NumPy dtype; subscripting makes an array type: float64[:, ::1]."""

    def __init__(self, name, bitwidth):
        super().__init__(name)
        self.bitwidth = bitwidth
        self._ember_dtype = name   # compiled code reads types.float64 as np.float64 (typeinfer/calls.c)

    @property
    def dtype(self):
        import numpy as np
        return np.dtype(self.name)


class Boolean(Number):
    pass


class Integer(Number):
    @property
    def signed(self):
        return not self.name.startswith("u")

    @classmethod
    def from_bitwidth(cls, bitwidth, signed=True):
        """Numba's Integer.from_bitwidth(32, signed=False): uint32."""
        t = _SCALARS.get(("int%d" if signed else "uint%d") % bitwidth)
        if t is None:
            raise ValueError(f"no integer type of {bitwidth} bits")
        return t


class Float(Number):
    pass


class Complex(Number):
    pass


def _dims_text(dims):
    def one(d):
        if not isinstance(d, slice):
            return repr(d)
        return "%s:%s%s" % ("" if d.start is None else d.start, "" if d.stop is None else d.stop,
                            "" if d.step is None else ":%s" % d.step)
    return ", ".join(one(d) for d in dims)


class Record(_Element):
    """The element type of a structured array, as Numba names it: fields {name: (type, offset)}, size
    in bytes. Made from a NumPy dtype with Record.from_dtype(dtype) or reported by ember."""

    def __init__(self, fields, size, readonly=False, aligned=True, aligned_struct=False):
        self.fields = dict(fields)
        self.size, self.readonly, self.aligned, self.bitwidth = size, bool(readonly), bool(aligned), 8 * size
        self.aligned_struct = bool(aligned_struct)   # the dtype was made with align=True (Numba's Record.aligned)
        parts = ",".join(f"{k}[type={t.name};offset={off}]" for k, (t, off) in self.fields.items())
        prefix = ("readonly " if readonly else "") + ("" if aligned else "unaligned ")
        super().__init__(f"{prefix}Record({parts};{size};{self.aligned_struct})")

    @classmethod
    def from_dtype(cls, dtype):
        import numpy as np
        dtype = np.dtype(dtype)
        if dtype.names is None:
            raise TypeError(f"{dtype} is not a structured dtype")

        def field(d):
            if d.subdtype is not None:   # ('pos', f8, 3)
                return NestedArray(_scalar(d.subdtype[0].name, "a sub-array field"), d.subdtype[1])
            if d.names is not None:
                return Record.from_dtype(d)
            if d.kind == "U":
                return UnicodeCharSeq(d.itemsize // 4)
            return _scalar(d.name, "a field")
        return cls({k: (field(dtype.fields[k][0]), dtype.fields[k][1]) for k in dtype.names}, dtype.itemsize,
                   aligned_struct=dtype.isalignedstruct)


class Array(Type):
    """Array(float64, 2, "C"): dtype, ndim, layout (C, F or A, any strides)."""

    def __init__(self, dtype, ndim, layout="A", readonly=False, aligned=True):
        if not isinstance(dtype, (Record, UnicodeCharSeq)):
            dtype = _scalar(dtype, "an array's dtype")
        if not isinstance(ndim, int) or not 0 <= ndim <= 32:
            raise TypeError(f"an array's ndim is an int from 0 to 32, not {ndim!r}")
        if layout not in ("C", "F", "A"):
            raise TypeError(f"an array's layout is 'C', 'F' or 'A', not {layout!r}")
        if ndim <= 1 and layout == "F":
            layout = "C"   # as ember names them: one dimension is both
        self.dtype, self.ndim, self.layout = dtype, ndim, layout
        self.readonly, self.aligned = bool(readonly), bool(aligned) or dtype.bitwidth == 8
        prefix = ("" if self.aligned else "unaligned ") + ("readonly " if readonly else "")
        super().__init__(f"{prefix}array({dtype.name}, {ndim}d, {layout})")

    def __repr__(self):   # Numba's repr (str() is the name, which ember and Numba print alike)
        return f"Array({self.dtype!r}, {self.ndim}, '{self.layout}', {self.readonly}, aligned={self.aligned})"

    @property
    def mutable(self):
        """Whether compiled code may write the array's elements (Numba's Buffer.mutable)."""
        return not self.readonly

    def copy(self, dtype=None, ndim=None, layout=None, readonly=None):
        return Array(dtype or self.dtype, self.ndim if ndim is None else ndim, layout or self.layout,
                     self.readonly if readonly is None else readonly, self.aligned)


class NestedArray(Array):
    """A record's sub-array field ('pos', f8, (2, 3)): a C-ordered array of that shape, read and
    written in the record's bytes."""

    def __init__(self, dtype, shape):
        self.shape = tuple(int(d) for d in (shape if isinstance(shape, tuple) else (shape,)))
        super().__init__(dtype, len(self.shape), "C")
        dims = ", ".join(str(d) for d in self.shape) + ("," if len(self.shape) == 1 else "")
        Type.__init__(self, f"nestedarray({self.dtype.name}, ({dims}))")

    def __repr__(self):
        return f"NestedArray({self.dtype!r}, {self.shape})"


class UnicodeCharSeq(Type):
    """A record's string field ('name', 'U8') or a string array's element: count code points,
    read as a str."""

    def __init__(self, count):
        self.count = int(count)
        self.bitwidth = 32 * self.count
        super().__init__(f"[unichr x {self.count}]")

    def __repr__(self):
        return f"UnicodeCharSeq({self.count})"


class BaseTuple(Type):
    pass


class UniTuple(BaseTuple):
    """UniTuple(float64, 3): a tuple of one element type."""

    def __init__(self, dtype, count):
        dtype = _check(dtype, "a tuple's element")
        if not isinstance(count, int) or count < 0:
            raise TypeError(f"a UniTuple's count is an int >= 0, not {count!r}")
        self.dtype, self.count, self.types = dtype, count, (dtype,) * count
        super().__init__(f"UniTuple({dtype} x {count})")

    def __repr__(self):   # Numba's repr; str() is the name
        return f"UniTuple({self.dtype!r}, {self.count})"

    def __len__(self):
        return self.count


class Tuple(BaseTuple):
    """Tuple((float64, int64)): a tuple of these element types (a UniTuple when they are one)."""

    def __new__(cls, types):
        types = tuple(types)
        if types and all(t == types[0] for t in types):
            return UniTuple(types[0], len(types))
        return super().__new__(cls)

    def __init__(self, types):
        self.types = tuple(_check(t, "a tuple's element") for t in types)
        self.count = len(self.types)   # Numba's BaseTuple.count
        super().__init__("Tuple(%s)" % ", ".join(map(str, self.types)))

    def __len__(self):
        return len(self.types)


class BaseNamedTuple(BaseTuple):
    """A namedtuple's type: its fields' types, names (.fields) and class (.instance_class)."""

    def __init__(self, types, cls):
        self.types, self.instance_class = tuple(types), cls
        self.count = len(self.types)
        self.fields = tuple(cls._fields)
        _ember.note_namedtuple(cls)   # so that signatures naming this type find the class
        super().__init__("%s(%s)" % (cls.__name__, ", ".join(f"{f}: {t}" for f, t in zip(self.fields, self.types))))

    def __len__(self):
        return len(self.types)


class NamedUniTuple(BaseNamedTuple):
    """A namedtuple whose fields have one type (.dtype, .count)."""

    def __init__(self, dtype, count, cls):
        self.dtype, self.count = _check(dtype, "a namedtuple's field"), count
        super().__init__((self.dtype,) * count, cls)


class NamedTuple(BaseNamedTuple):
    """A namedtuple of these field types (a NamedUniTuple when they are one)."""

    def __new__(cls, types, instance_class):
        types = tuple(types)
        if types and all(t == types[0] for t in types):
            return NamedUniTuple(types[0], len(types), instance_class)
        return super().__new__(cls)

    def __init__(self, types, cls):
        super().__init__([_check(t, "a namedtuple's field") for t in types], cls)


class ListType(Type):
    """ListType(float64): the type of an ember.typed.List of that item type."""

    def __init__(self, item_type):
        self.item_type = self.dtype = _check(item_type, "a List's item type")
        super().__init__(f"ListType[{self.item_type}]")


class List(Type):
    """List(int64, reflected=True): the type of a Python list passed to compiled code, whose changes
    show in the caller's list (Numba's reflected list). dtype is the item type. An ember.typed.List
    is a ListType instead."""

    def __init__(self, dtype, reflected=False, initial_value=None):
        self.dtype = _check(dtype, "a list's item type")
        self.reflected, self.initial_value = bool(reflected), initial_value
        super().__init__(("reflected " if reflected else "") + f"list({self.dtype})")


class DictType(Type):
    """DictType(int64, float64): the type of an ember.typed.Dict of those key and value types."""

    def __init__(self, key_type, value_type):
        self.key_type = _check(key_type, "a Dict's key type")
        self.value_type = _check(value_type, "a Dict's value type")
        super().__init__(f"DictType[{self.key_type},{self.value_type}]")


class Optional(Type):
    """optional(float64): the type or None. A type object only: signatures cannot use it yet."""

    def __init__(self, type_):
        self.type = _check(type_, "optional's type")
        super().__init__(f"OptionalType({self.type})")


def optional(type_):
    return Optional(type_)


class EnumMember(Type):
    """EnumMember(cls, int64): a member of the Enum class cls whose values are of that type (an
    IntEnum's members are ints). Named as Numba names it: Enum<int64>(Color)."""

    def __init__(self, cls, dtype):
        self.instance_class, self.dtype = cls, dtype
        super().__init__(f"Enum<{dtype}>({cls.__name__})")


class CPointer(Type):
    """CPointer(float64): a C pointer, for @cfunc signatures (read it with ember.carray)."""

    def __init__(self, dtype):
        self.dtype = _scalar(dtype, "a pointer's target")
        super().__init__(f"CPointer({self.dtype})")


class FunctionType(Type):
    """FunctionType(float64(float64)): a compiled function of that signature chosen at run time,
    called through a pointer to its native code (Numba's first-class function type). A parameter
    declared so takes any @njit function or @cfunc, compiled for the signature if need be."""

    def __init__(self, signature):
        if isinstance(signature, str):   # "float64(float64)": ember's parse of it
            signature = from_name(f"FunctionType[{signature}]").signature
        if not isinstance(signature, Signature) or signature.return_type is None:
            raise TypeError(f"FunctionType takes a signature with a return type, like float64(float64), "
                            f"not {signature!r:.80}")
        self.signature = signature
        super().__init__(f"FunctionType[{signature}]")


class Signature:
    """A function type: return_type(*args). str() is the text ember's parser reads."""

    def __init__(self, return_type, args):
        self.return_type = None if return_type is None else _check(return_type, "a return type")
        self.args = tuple(_check(a, "a parameter type") for a in args)

    def __str__(self):
        return "%s(%s)" % ("" if self.return_type is None else self.return_type, ", ".join(map(str, self.args)))

    def __repr__(self):   # Numba's: (float64, int64) -> float64
        return f"{self.args!r} -> {self.return_type!r}"

    def __eq__(self, other):
        if isinstance(other, Signature):
            return (self.return_type, self.args) == (other.return_type, other.args)
        return NotImplemented

    def __hash__(self):
        return hash((self.return_type, self.args))


def _check(t, what):
    if isinstance(t, Type):
        return t
    if isinstance(t, str):
        return from_name(t)
    raise TypeError(f"{what} must be an ember type (ember.types.float64, ...), not {t!r:.80}")


def _scalar(t, what):
    t = _check(t, what)
    if not isinstance(t, Number):
        raise TypeError(f"{what} must be a scalar type such as float64, not {t}")
    return t


_SCALARS = {}


def _number(cls, name, bits, *aliases):
    t = cls(name, bits)
    for n in (name,) + aliases:
        _SCALARS[n] = t
    return t


boolean = bool_ = b1 = _number(Boolean, "bool", 8, "boolean", "bool_", "b1")
int8 = i1 = _number(Integer, "int8", 8, "i1")
int16 = i2 = _number(Integer, "int16", 16, "i2")
int32 = i4 = _number(Integer, "int32", 32, "i4")
int64 = intp = int_ = i8 = _number(Integer, "int64", 64, "intp", "int_", "i8")
uint8 = u1 = _number(Integer, "uint8", 8, "u1")
uint16 = u2 = _number(Integer, "uint16", 16, "u2")
uint32 = u4 = _number(Integer, "uint32", 32, "u4")
uint64 = uintp = u8 = _number(Integer, "uint64", 64, "uintp", "u8")
float32 = f4 = _number(Float, "float32", 32, "f4")
float64 = double = f8 = _number(Float, "float64", 64, "double", "f8")
complex64 = c8 = _number(Complex, "complex64", 64, "c8")
complex128 = c16 = _number(Complex, "complex128", 128, "c16")
void = none = NoneType("none")
_SCALARS["void"] = _SCALARS["none"] = void
# C's names, as Numba gives them (LP64: long is 64 bits), also in signature strings ("intc(intc)")
intc, uintc, char, uchar, short, ushort = int32, uint32, int8, uint8, int16, uint16
long_ = longlong = ssize_t = int64
ulong = ulonglong = size_t = uint = uint64
byte = uint8
_SCALARS.update(intc=intc, uintc=uintc, char=char, uchar=uchar, short=short, ushort=ushort, long_=long_,
                longlong=longlong, ssize_t=ssize_t, ulong=ulong, ulonglong=ulonglong, size_t=size_t, uint=uint,
                byte=byte)


class VoidPtr(CPointer):
    """void *: a CPointer to bytes (user data of C callbacks)."""

    def __init__(self):
        super().__init__(uint8)
        self.name = "voidptr"


voidptr = VoidPtr()
class UnicodeType(Type):
    """str (Numba's unicode_type)."""


unicode_type = string = UnicodeType("unicode_type")   # str


class Literal(Type):
    """The type of a constant value (Numba's Literal): literal_value, and literal_type, the type
    of the value. ember has no literal types (a constant is typed as its value's type), so @overload
    typers never receive one; the classes serve the isinstance checks of typers written for Numba,
    and types.literal(value) makes one."""

    def __init__(self, value):
        if type(self) is Literal:
            raise TypeError("a literal type is made by types.literal(value)")
        self.literal_value = value
        Type.__init__(self, f"Literal[{type(value).__name__}]({value})")   # not Number's: no dtype name

    @property
    def literal_type(self):
        from ember import typeof
        return typeof(self.literal_value)

    @property
    def dtype(self):
        """The value's NumPy dtype (IntegerLiteral, BooleanLiteral), as its type's."""
        return self.literal_type.dtype


class IntegerLiteral(Literal, Integer):
    bitwidth = 64


class BooleanLiteral(Literal, Boolean):
    bitwidth = 8


class StringLiteral(Literal):
    pass


def literal(value):
    """The literal type of an int, bool or str constant: literal(3) is IntegerLiteral(3)."""
    cls = {int: IntegerLiteral, bool: BooleanLiteral, str: StringLiteral}.get(type(value))
    if cls is None:
        from ember.errors import TypingError
        raise TypingError(f"{type(value)} cannot be used as a literal")
    return cls(value)


def unliteral(t):
    """The type of a literal type's value (literal(3) gives int64); any other type unchanged."""
    return t.literal_type if isinstance(t, Literal) else t


class DType(Type):
    """A dtype passed as an argument (np.float32, np.dtype('f4'), a structured dtype), as Numba's
    DType: its element type in `dtype`; named dtype(float32)."""

    def __init__(self, dtype):
        self.dtype = dtype
        super().__init__(f"dtype({dtype.name})")


class Omitted(Type):
    """omitted(default=v): Numba's type of an argument a call leaves out, so that the parameter's
    default v applies. A specialisation called from Python with a constant default left out has
    it in its signature and folds the value; ember calls an @overload typer without that argument
    (the typer's own default applies); the class serves the isinstance checks of typers written
    for Numba."""

    def __init__(self, value):
        self.value = value
        super().__init__(f"omitted(default={value!r})")


def _field(desc):   # a record field's description: a dtype's name, a nestedarray or a record
    if isinstance(desc, str):
        return _SCALARS[desc]
    if desc[0] == "nestedarray":
        return NestedArray(_SCALARS[desc[1]], desc[2])
    if desc[0] == "unichr":
        return UnicodeCharSeq(desc[1])
    return _build(desc)


def _build(desc):
    kind = desc[0]
    if kind == "scalar":
        return _SCALARS[desc[1]]
    if kind == "array":
        _, dtype, ndim, layout, readonly, unaligned = desc
        return Array(_SCALARS[dtype], ndim, layout, readonly, not unaligned)
    if kind == "record":
        _, fields, size, readonly, unaligned, aligned_struct = desc
        return Record({k: (_field(t), off) for k, t, off in fields}, size, readonly, not unaligned, aligned_struct)
    if kind == "recarray":
        _, rec, ndim, layout, readonly, unaligned = desc
        r = _build(rec)
        if list(r.fields) == [""]:   # a string array: array([unichr x 8], 1d, C)
            return Array(r.fields[""][0], ndim, layout, readonly, not unaligned)
        return Array(Record(r.fields, r.size, aligned_struct=r.aligned_struct), ndim, layout, readonly, not unaligned)
    if kind == "str":
        return unicode_type
    if kind == "instance":
        t = _INSTANCE_TYPES.get(desc[1])
        if t is None:
            raise TypeError(f"{desc[1]} is not a jitclass of this process")
        return Optional(t) if desc[2] else t
    if kind == "dtype":
        return DType(_SCALARS[desc[1]] if isinstance(desc[1], str) else _build(desc[1]))
    if kind == "ListType":
        return ListType(_build(desc[1]))
    if kind == "DictType":
        return DictType(_build(desc[1]), _build(desc[2]))
    if kind == "EnumMember":
        return EnumMember(desc[1], _build(desc[2]))
    if kind == "FunctionType":
        ret, *params = [_build(d) for d in desc[1]]
        return FunctionType(Signature(ret, params))
    return Tuple([_build(d) for d in desc[1]])


class ClassInstanceType(Type):
    """The type of a jitclass's instances (ember.experimental.jitclass): Cls.class_type.instance_type."""

    def __init__(self, name, class_type):
        super().__init__(name)
        self.class_type = class_type
        _INSTANCE_TYPES[name] = self

    @property
    def jit_methods(self):
        return self.class_type.jit_methods

    @property
    def struct(self):
        return self.class_type.struct


_INSTANCE_TYPES = {}   # name -> ClassInstanceType, for the jitclasses of this process


class DeferredType(Type):
    """deferred_type(): a jitclass instance type named before its class exists (a field holding
    its own class: linked lists, trees); define(Cls.class_type.instance_type) gives it."""

    _count = 0

    def __init__(self):
        DeferredType._count += 1
        super().__init__(f"DeferredType#{DeferredType._count}")
        self._type = None
        self._waiting = []   # (jitclass box, field name, optional) of fields typed by it

    def define(self, typ):
        if self._type is not None:
            raise TypeError(f"{self.name} is defined already (as {self._type})")
        if not isinstance(typ, ClassInstanceType):
            raise TypeError(f"a deferred_type is defined as a jitclass's Cls.class_type.instance_type, not {typ!r:.80}")
        self._type = typ
        waiting, self._waiting = self._waiting, []
        for box, field, optional in waiting:
            _ember.jitclass_define(box, field, f"OptionalType({typ})" if optional else str(typ))

    def get(self):
        if self._type is None:
            raise TypeError(f"{self.name} is not defined yet")
        return self._type


def deferred_type():
    """A type to define later (Numba's deferred_type): see DeferredType."""
    return DeferredType()


def _literal(text):
    """A constant default from its repr: 3, -1.5, 'a', (1+2j), True, None, inf, nan."""
    import ast
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return complex(text.strip("()")) if "j" in text else float(text)


def from_name(name):
    """The type object of a name ember prints or parses: 'float32', 'array(float64, 2d, C)',
    'float64[:, ::1]', 'UniTuple(int64 x 2)'."""
    if isinstance(name, tuple):   # a namedtuple from typeinfer: (its class, its fields' type names)
        cls, fields = name
        return NamedTuple([from_name(f) for f in fields], cls)
    t = _SCALARS.get(name.strip())
    if t is not None:
        return t
    if name in _INSTANCE_TYPES:
        return _INSTANCE_TYPES[name]
    if name == "voidptr":
        return voidptr
    if name.startswith("CPointer(") and name.endswith(")"):
        return CPointer(from_name(name[9:-1]))
    if name.startswith("OptionalType(") and name.endswith(")"):
        return Optional(from_name(name[13:-1]))
    if (name.startswith("Dispatcher(") or name.startswith("Callable(")) and name.endswith(")"):
        return Type(name)   # a compiled or @overload-ed function passed as an argument: its own type
    if name.startswith("CFunction(") and name.endswith(")"):
        return Type(name)   # a ctypes or cffi function passed as an argument: its own type
    if name == "NumPyRandomGeneratorType":
        return Type(name)   # a np.random.Generator argument (no signature form yet)
    if name.startswith("slice<"):
        return Type(name)   # a slice argument, its parts given named (slice<start:stop:step>)
    if name.startswith("omitted(default=") and name.endswith(")"):   # a default a call left out
        return Omitted(_literal(name[16:-1]))
    if name.startswith("list("):
        return List(from_name(name[5:-1]), reflected=True)   # a Python list argument
    if name.startswith("set("):
        return Type("reflected " + name)   # a Python set argument, named as Numba names it
    if name.startswith("dict("):
        return Type(name)   # a Python dict argument (Numba has no type for one)
    return _build(_ember.describe_type(name))


def _signature_text(sig):
    """What the C Dispatcher compiles: a signature string or object, or a tuple of argument types."""
    if isinstance(sig, str):
        return sig
    if isinstance(sig, Signature):
        return _parsed_names(str(sig))
    if isinstance(sig, tuple) and all(isinstance(t, (Type, str)) for t in sig):
        return _parsed_names(str(Signature(None, sig)))
    raise TypeError(f"a signature is a string like 'float64(float64, int64)' or a type object like "
                    f"float64(float64, int64), not {sig!r:.80}")


def _parsed_names(text):
    """A signature's text with Python lists and sets named as ember's parser reads them:
    'reflected list(int64)' (Numba's name) is 'list(int64)'."""
    return text.replace("reflected ", "")


def _signature_list(sigs):
    """The texts of one signature or several (a list, or a tuple of signatures), as a tuple."""
    if isinstance(sigs, list) or (isinstance(sigs, tuple) and sigs and
                                  all(isinstance(s, (str, Signature)) and "(" in str(s) for s in sigs)):
        return tuple(_signature_text(s) for s in sigs)
    return (_signature_text(sigs),)


def _nopython_signature(ret, names):
    """Dispatcher.nopython_signatures: one specialisation as a Signature of type objects."""
    return Signature(from_name(ret), [from_name(n) for n in names])


def _signature_types(names):
    """Dispatcher.signatures: the argument types of one specialisation, as type objects."""
    return tuple(from_name(n) for n in names)


class _Library:
    """A CompileResult's library: its specialisation's optimised LLVM IR and assembly."""

    def __init__(self, dispatcher, text):
        self._dispatcher, self._text = dispatcher, text

    def get_llvm_str(self):
        return self._dispatcher.inspect_llvm(self._text)

    def get_asm_str(self):
        return self._dispatcher.inspect_asm(self._text)


class CompileResult:
    """One value of Dispatcher.overloads: a compiled specialisation, described as Numba's
    CompileResult describes it (signature, entry_point, library)."""

    def __init__(self, dispatcher, signature, text):
        self.signature = signature
        self.library = _Library(dispatcher, text)
        self.objectmode = False
        args = signature.args

        def entry_point(*values):
            if len(values) != len(args):
                raise TypeError(f"{dispatcher.py_func.__qualname__}{text} takes {len(args)} arguments, "
                                f"{len(values)} given")
            return dispatcher(*values)
        entry_point.__name__ = dispatcher.py_func.__name__
        self.entry_point = entry_point

    def __repr__(self):
        return f"<CompileResult {self.signature}>"


def _overloads(dispatcher, texts):
    """Dispatcher.overloads: {argument types: CompileResult}, in the order they were compiled."""
    return {args: CompileResult(dispatcher, sig, text)
            for args, sig, text in zip(dispatcher.signatures, dispatcher.nopython_signatures, texts)}


# Numba's numba.types (numba.core.types) is a package of modules (npytypes, misc, scalars, ...):
# code reads numba.types.npytypes.Array or numba.core.types.misc.NoneType. Here each is this
# module, under both names (ember/core/types.py).
_NUMBA_TYPE_MODULES = ("abstract", "common", "containers", "function_type", "functions", "iterators", "misc",
                       "npytypes", "scalars")
for _sub in _NUMBA_TYPE_MODULES:
    globals()[_sub] = _sys.modules[__name__]
    _sys.modules[__name__ + "." + _sub] = _sys.modules[__name__]
del _sub
