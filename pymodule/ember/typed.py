"""ember.typed: Numba's typed containers, List and Dict.

    from ember.typed import List, Dict
    from ember import types

    xs = List()                      # typed by the first append
    xs.append(1.5)
    d = Dict.empty(key_type=types.int64, value_type=types.float64[:])

A typed container is the compiled representation itself (runtime/typed.c): passing one to an
@njit function passes the runtime block, with no conversion, and the function's changes are
the caller's; List() and Dict.empty(...) inside compiled code come back as these classes. From
Python they behave as list and dict (collections.abc.MutableSequence / MutableMapping), each item
converted at the boundary to the container's item type (a wrong type raises TypeError).

The hot operations live in the C bases (ember._ember._TypedList, _TypedDict); what is here is
what Python code does rarely: repr, comparisons, sorting with a key, pickling, the views.
"""
from collections.abc import ItemsView, KeysView, MutableMapping, MutableSequence, ValuesView

from ember import _ember, types as _types

__all__ = ["List", "Dict"]


def _type_name(t, what):
    return _types._check(t, what).name


class List(_ember._TypedList, MutableSequence):
    """A list of one item type: List(), List(iterable), List.empty_list(item_type)."""

    def __init__(self, iterable=None):
        if iterable is not None:
            self.extend(iterable)

    @classmethod
    def empty_list(cls, item_type, allocated=0):
        """An empty list of item_type (an ember type: types.float64, types.float64[:], ...)."""
        lst = cls()
        lst._init_type(f"ListType[{_type_name(item_type, 'a List item type')}]")
        return lst

    @property
    def _list_type(self):
        return None if self._type_name is None else _types.from_name(self._type_name)

    @property
    def _dtype(self):
        return None if self._type_name is None else self._list_type.item_type

    def sort(self, key=None, reverse=False):
        items = list(self)
        items.sort(key=key, reverse=reverse)
        self._replace(items)

    def __str__(self):
        return "[" + ", ".join(str(x) for x in self) + "]"

    def __repr__(self):
        return f"{self._type_name or 'ListType[Undefined]'}({self})"

    def _compare(self, other, op):
        if not isinstance(other, List):
            return NotImplemented
        return op(list(self), list(other))

    def __eq__(self, other):
        return self._compare(other, lambda a, b: a == b)

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __lt__(self, other):
        return self._compare(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._compare(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._compare(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._compare(other, lambda a, b: a >= b)

    __hash__ = None

    def __add__(self, other):
        r = self.copy()
        r.extend(other)
        return r

    def __iadd__(self, other):
        self.extend(other)
        return self

    def __mul__(self, n):
        r = self.copy()
        r._replace(list(self) * n)
        return r

    def __imul__(self, n):
        self._replace(list(self) * n)
        return self

    def __copy__(self):
        return self.copy()

    def __reduce__(self):
        return _rebuild, (List, self._type_name, list(self))


class _Values(ValuesView):
    def __iter__(self):
        return iter(self._mapping._values())


class _Items(ItemsView):
    def __iter__(self):
        return iter(self._mapping._items())


class Dict(_ember._TypedDict, MutableMapping):
    """A dict of one key type and one value type: Dict(), Dict.empty(key_type, value_type)."""

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            self.update(*args, **kwargs)

    @classmethod
    def empty(cls, key_type, value_type, n_keys=0):
        """An empty dict of key_type -> value_type (ember types)."""
        d = cls()
        d._init_type(f"DictType[{_type_name(key_type, 'a Dict key type')},{_type_name(value_type, 'a Dict value type')}]")
        return d

    @property
    def _dict_type(self):
        return None if self._type_name is None else _types.from_name(self._type_name)

    def keys(self):
        return KeysView(self)

    def values(self):
        return _Values(self)

    def items(self):
        return _Items(self)

    def __str__(self):
        return str(dict(self._items()))

    def __repr__(self):
        prefix = "None" if self._type_name is None else self._type_name + "<iv=None>"
        return f"{prefix}({self})"

    __hash__ = None

    def __copy__(self):
        return self.copy()

    def __reduce__(self):
        return _rebuild, (Dict, self._type_name, self._items())


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


_ember._typed_register(List, Dict)
