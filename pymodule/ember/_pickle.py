"""Pickling a Dispatcher (pickle, cloudpickle, multiprocessing, joblib, Dask), and its Dask token.

A Dispatcher travels as a function does. One reachable as module.qualname pickles by reference:
the receiver imports the module and finds it there, compiled specialisations and all. Any other
(a closure, a lambda, one made by exec or in a notebook cell, anything in __main__, a module
registered with cloudpickle.register_pickle_by_value) pickles by value, the way cloudpickle
pickles a function, in two steps so that a function that reaches itself pickles once:

    skeleton  _rebuild(uuid, python, code, name, qualname, module, ncells, options):
              a function over the code with no globals yet and empty closure cells, inside a
              lazy Dispatcher with the decorator's options (the pickler memoizes it here)
    state     _restore(dispatcher, state): the globals the code names, the cells' contents,
              the defaults, kwdefaults, __dict__ and __doc__; then the explicit signatures,
              compiled as the decorator compiled them

A code object and a module do not pickle: the code travels as its fields (nested code objects
likewise), a module as its name. Every other value (numbers, arrays, plain functions, other
Dispatchers, by reference or by value in turn) is left to the pickler in use, so cloudpickle
sends a plain function from __main__ by value where pickle names it. The receiver compiles
lazily, or loads from the on-disk cache: the rebuilt function has the same cache key.

Each Dispatcher carries a uuid, and a process keeps a weak map from uuid to the Dispatcher
made or rebuilt there: unpickling the same one again (each joblib batch, each Dask task, a
forked Pool worker that inherited it) returns that object with its compiled code instead of
compiling again. A copy (copy.copy, copy.deepcopy) is the Dispatcher itself, as for functions.
"""
import builtins
import os
import sys
import threading
import types
import weakref

# the fields of a code object, in CodeType.replace's keywords (bytecode is per Python version:
# a pickle made by another version is refused, see _rebuild)
_CODE_FIELDS = ("co_argcount", "co_posonlyargcount", "co_kwonlyargcount", "co_nlocals", "co_stacksize",
                "co_flags", "co_firstlineno", "co_code", "co_consts", "co_names", "co_varnames",
                "co_freevars", "co_cellvars", "co_filename", "co_name", "co_qualname", "co_linetable",
                "co_exceptiontable")
_PYTHON = "%d.%d" % sys.version_info[:2]

_lock = threading.Lock()
_known = weakref.WeakValueDictionary()   # uuid -> the Dispatcher of that uuid in this process
_incomplete = weakref.WeakSet()          # skeletons whose state is still to come
_MISSING = object()


def register(d):
    """Give a new Dispatcher its uuid (ember.jit calls this for each one it makes)."""
    uid = d.__dict__.get("_uuid")
    if uid is None:
        uid = d.__dict__["_uuid"] = os.urandom(16).hex()
    with _lock:
        _known.setdefault(uid, d)
    return uid


# ---- values that pickle does not take -------------------------------------------------------

class _Code:
    """A code object on its way: pickles as its fields, nested code objects in turn."""
    __slots__ = ("code",)

    def __init__(self, code):
        self.code = code

    def __reduce__(self):
        fields = {f: getattr(self.code, f) for f in _CODE_FIELDS}
        fields["co_consts"] = tuple(_Code(c) if isinstance(c, types.CodeType) else c for c in fields["co_consts"])
        return _make_code, (fields,)


def _make_code(fields):
    return _make_code.__code__.replace(**fields)


class _Module:
    """A module on its way: imported by name on arrival."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __reduce__(self):
        import importlib
        return importlib.import_module, (self.name,)


class _EmptyCell:
    """Marks a closure cell with no value yet."""


def _portable(value):
    return _Module(value.__name__) if isinstance(value, types.ModuleType) else value


# ---- by reference or by value ------------------------------------------------------------------

def _by_value_modules():
    """Modules the user asked cloudpickle to send by value."""
    cp = sys.modules.get("cloudpickle")
    try:
        return set(cp.list_registry_pickle_by_value()) if cp else set()
    except AttributeError:   # an old cloudpickle
        return set()


def _reachable(d):
    """True when the receiver finds d as module.qualname (the test pickle makes for functions)."""
    module, qualname = getattr(d, "__module__", None), getattr(d, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or module == "__main__":
        return False
    if any(module == m or module.startswith(m + ".") for m in _by_value_modules()):
        return False
    obj = sys.modules.get(module, _MISSING)
    for part in qualname.split("."):
        obj = getattr(obj, part, _MISSING)
    return obj is d


def reduce(d):
    """Dispatcher.__reduce__."""
    if _reachable(d):
        return d.__qualname__   # pickled as a global: module and qualified name
    from ember._cache import _code_names
    func = d.py_func
    co = func.__code__
    g = func.__globals__
    cells = []
    for cell in func.__closure__ or ():
        try:
            cells.append(_portable(cell.cell_contents))
        except ValueError:
            cells.append(_EmptyCell)
    state = {
        "globals": {n: _portable(g[n]) for n in sorted(_code_names(co, set())) if n in g},
        "cells": cells,
        "defaults": func.__defaults__,
        "kwdefaults": func.__kwdefaults__,
        "dict": dict(func.__dict__),
        "doc": func.__doc__,
        "signatures": d._fixed_signatures,
    }
    skeleton = (register(d), _PYTHON, _Code(co), func.__name__, func.__qualname__, func.__module__,
                len(co.co_freevars), dict(d.targetoptions))
    return _rebuild, skeleton, state, None, None, _restore


def _rebuild(uid, python, code, name, qualname, module, ncells, options):
    if python != _PYTHON:
        raise RuntimeError("an ember function pickled by Python %s cannot be unpickled by Python %s: "
                           "bytecode does not travel between Python versions" % (python, _PYTHON))
    with _lock:
        known = _known.get(uid)
    if known is not None:
        return known   # this process already has it (its state is then skipped)
    import ember
    g = {"__builtins__": builtins, "__name__": module}
    cells = tuple(types.CellType() for _ in range(ncells))
    func = types.FunctionType(code, g, name, None, cells or None)
    func.__qualname__ = qualname
    d = ember._dispatcher(func, options)
    if isinstance(d, ember.Dispatcher):
        with _lock:
            _known.pop(d.__dict__["_uuid"], None)   # the sender's uuid, not a new one
            d.__dict__["_uuid"] = uid
            _incomplete.add(d)   # registered under uid once its state is in
    return d


def _restore(d, state):
    import ember
    is_dispatcher = isinstance(d, ember.Dispatcher)
    with _lock:
        if is_dispatcher and d not in _incomplete:
            return   # found in this process, not rebuilt
        _incomplete.discard(d)
    func = d.py_func if is_dispatcher else d   # EMBER_DISABLE_JIT=1 here: the plain function
    func.__globals__.update(state["globals"])
    for cell, value in zip(func.__closure__ or (), state["cells"]):
        if value is not _EmptyCell:
            cell.cell_contents = value
    func.__defaults__ = state["defaults"]
    func.__kwdefaults__ = state["kwdefaults"]
    func.__dict__.update(state["dict"])
    func.__doc__ = state["doc"]
    if not is_dispatcher:
        return
    d.__doc__ = func.__doc__
    if state["signatures"]:
        d._compile_signatures(state["signatures"])
    with _lock:
        _known.setdefault(d.__dict__["_uuid"], d)


# ---- Dask -----------------------------------------------------------------------------------

def tokenize(d):
    """Dispatcher.__dask_tokenize__: the same in every process for the same code, globals,
    closure, options and signatures (the digest the on-disk cache keys entries by)."""
    from ember._cache import _function, _options_text
    func = d.py_func
    return ("ember.Dispatcher", func.__module__, func.__qualname__, _options_text(d.targetoptions),
            tuple(d._fixed_signatures), _function(func, set()))
