"""ember.typed: Numba's typed containers, List and Dict.

    from ember.typed import List, Dict
    from ember import types

    xs = List()                      # typed by the first append
    xs.append(1.5)
    d = Dict.empty(key_type=types.int64, value_type=types.float64[:])

A typed container is the compiled representation itself (runtime/typed.c): passing one to an
@njit function passes the runtime block, with no conversion, and the function's changes are
the caller's; List() and Dict.empty(...) inside compiled code come back as these classes. From
Python they behave as list and dict (registered as collections.abc.MutableSequence and
MutableMapping), each item converted at the boundary to the container's item type (a wrong type
raises TypeError).

The classes are ember._ember's (C, for the hot operations: len, items, append, iteration, get,
set, in); what is added here is what Python code does rarely: repr, comparisons, sorting with a
key, pickling, the views.
"""
import sys as _sys
import types as _pytypes
from collections.abc import ItemsView, KeysView, MutableMapping, MutableSequence, ValuesView

from ember import _ember, types as _types

__all__ = ["List", "Dict"]

List = _ember.List
Dict = _ember.Dict


def _type_name(t, what):
    return _types._check(t, what).name


# ---- List ------------------------------------------------------------------------------
def _empty_list(cls, item_type, allocated=0):
    """An empty list of item_type (an ember type: types.float64, types.float64[:], ...)."""
    lst = cls()
    lst._init_type(f"ListType[{_type_name(item_type, 'a List item type')}]")
    return lst


def _list_sort(self, key=None, reverse=False):
    """Sort in place (key= and reverse= as list.sort)."""
    items = list(self)
    items.sort(key=key, reverse=reverse)
    self._replace(items)


def _list_str(self):
    return "[" + ", ".join(str(x) for x in self) + "]"


def _shown(type_name):
    """A container type's name as Numba shows it: str is unicode_type there."""
    import re
    return re.sub(r"(?<=[\[,])str(?=[\],])", "unicode_type", type_name)


def _list_repr(self):
    return f"{_shown(self._type_name) if self._type_name else 'ListType[Undefined]'}({self})"


def _list_compare(op):
    def compare(self, other):
        if not isinstance(other, List):
            return NotImplemented
        return op(list(self), list(other))
    return compare


def _list_add(self, other):
    r = self.copy()
    r.extend(other)
    return r


def _list_iadd(self, other):
    self.extend(other)
    return self


def _list_mul(self, n):
    r = self.copy()
    r._replace(list(self) * n)
    return r


def _list_imul(self, n):
    self._replace(list(self) * n)
    return self


def _list_reversed(self):
    return iter(list(self)[::-1])


def _list_reduce(self):
    return _rebuild, (List, self._type_name, list(self))


_LIST_METHODS = {
    "empty_list": classmethod(_empty_list), "sort": _list_sort, "__str__": _list_str, "__repr__": _list_repr,
    "__eq__": _list_compare(lambda a, b: a == b), "__ne__": _list_compare(lambda a, b: a != b),
    "__lt__": _list_compare(lambda a, b: a < b), "__le__": _list_compare(lambda a, b: a <= b),
    "__gt__": _list_compare(lambda a, b: a > b), "__ge__": _list_compare(lambda a, b: a >= b),
    "__add__": _list_add, "__iadd__": _list_iadd, "__mul__": _list_mul, "__imul__": _list_imul,
    "__reversed__": _list_reversed, "__copy__": lambda self: self.copy(), "__reduce__": _list_reduce,
    "_list_type": property(lambda self: None if self._type_name is None else _types.from_name(self._type_name)),
    "_dtype": property(lambda self: None if self._type_name is None else self._list_type.item_type),
    "__class_getitem__": classmethod(_pytypes.GenericAlias),   # List[np.ndarray] in an annotation (aeon)
}


# ---- Dict ------------------------------------------------------------------------------
class _Values(ValuesView):
    def __iter__(self):
        return iter(self._mapping._values())


class _Items(ItemsView):
    def __iter__(self):
        return iter(self._mapping._items())


def _dict_init(self, *args, dcttype=None, n_keys=0, **kwargs):
    """Dict(dcttype=types.DictType(k, v)) (Numba's keyword) is an empty dict of that type."""
    if dcttype is not None:
        self._init_type(dcttype.name)
    if args or kwargs:
        self.update(*args, **kwargs)


def _empty_dict(cls, key_type, value_type, n_keys=0):
    """An empty dict of key_type -> value_type (ember types)."""
    d = cls()
    d._init_type(f"DictType[{_type_name(key_type, 'a Dict key type')},{_type_name(value_type, 'a Dict value type')}]")
    return d


def _dict_repr(self):
    prefix = "None" if self._type_name is None else _shown(self._type_name) + "<iv=None>"
    return f"{prefix}({self})"


def _dict_str(self):   # as Numba's: keys and values by str(), {a: 1.5}
    return "{" + ", ".join(f"{k}: {v}" for k, v in self._items()) + "}"


def _dict_eq(self, other):
    if not isinstance(other, (Dict, dict)):
        return NotImplemented
    return dict(self._items()) == dict(other.items())


def _dict_ne(self, other):
    r = _dict_eq(self, other)
    return r if r is NotImplemented else not r


def _dict_reduce(self):
    return _rebuild, (Dict, self._type_name, self._items())


_DICT_METHODS = {
    "__class_getitem__": classmethod(_pytypes.GenericAlias),   # Dict[str, float] in an annotation
    "__init__": _dict_init, "empty": classmethod(_empty_dict), "keys": lambda self: KeysView(self),
    "values": lambda self: _Values(self), "items": lambda self: _Items(self),
    "update": MutableMapping.update, "__str__": _dict_str, "__repr__": _dict_repr,
    "__eq__": _dict_eq, "__ne__": _dict_ne, "__copy__": lambda self: self.copy(), "__reduce__": _dict_reduce,
    "_dict_type": property(lambda self: None if self._type_name is None else _types.from_name(self._type_name)),
}


def _rebuild(cls, type_name, items):
    """Unpickling: a container of that type holding the items (a list, or (key, value) pairs)."""
    c = cls()
    if type_name is not None:
        c._init_type(type_name)
    if cls is List:
        c._replace(list(items))
    else:
        for k, v in items:
            c[k] = v
    return c


for _cls, _methods in ((List, _LIST_METHODS), (Dict, _DICT_METHODS)):
    for _name, _fn in _methods.items():
        setattr(_cls, _name, _fn)
    _cls.__module__ = "ember.typed"
MutableSequence.register(List)
MutableMapping.register(Dict)


def _submodule(name, **names):
    """Numba's module numba.typed.<name> (typedlist, typeddict), holding these names: importable
    as ember.typed.<name>, though ember.typed is one file."""
    module = _pytypes.ModuleType(f"{__name__}.{name}")
    module.__dict__.update(names)
    _sys.modules[module.__name__] = module
    return module


__path__ = []   # a package to the import system, so that an alias of ember as numba finds numba.typed.typedlist
typedlist = _submodule("typedlist", List=List)
typeddict = _submodule("typeddict", Dict=Dict)
