"""ember: a just-in-time compiler for typed numeric Python, written in C on LLVM.

    from ember import njit

    @njit
    def f(x, n):
        ...

The first call with new argument types compiles a specialisation; later calls with the same
types go straight to machine code. `import ember as numba` works for the subset ember supports.
"""
import functools as _functools
import os as _os
import threading as _threading

from numpy import integer as _np_integer, ndindex as _np_ndindex

from ember import errors, _pickle, types, typed, _objmode, experimental
from ember.errors import (NumbaWarning, NumbaPerformanceWarning, NumbaDeprecationWarning,  # noqa: F401 (Numba's names)
                          NumbaPendingDeprecationWarning, NumbaParallelSafetyWarning, NumbaTypeSafetyWarning,
                          NumbaExperimentalFeatureWarning, NumbaError, TypingError, NumbaTypeError,
                          NumbaValueError, NumbaIndexError, NumbaKeyError, NumbaAttributeError,
                          NumbaAssertionError, NumbaNotImplementedError, NumbaRuntimeError, NumbaPedanticWarning,
                          NumbaIRAssumptionWarning, NumbaSystemWarning, NumbaInvalidConfigWarning,
                          NumbaDebugInfoWarning)
from ember._objmode import objmode
from ember._ember import Dispatcher, typeof as _typeof, parallel_info as _parallel_info
from ember._ember import get_num_threads, set_num_threads
from ember.types import (void, none, boolean, bool_, b1, int8, int16, int32, int64, intp, int_, uint8, uint16,
                         uint32, uint64, uintp, float32, float64, double, complex64, complex128, i1, i2, i4, i8,
                         u1, u2, u4, u8, f4, f8, c8, c16, optional, deferred_type, from_name as _from_name,
                         intc, uintc, char, uchar, short, ushort, long_, ulong, longlong, ulonglong, size_t,
                         ssize_t, uint, byte)

__version__ = "0.1.0"
__all__ = ["njit", "jit", "prange", "stencil", "literal_unroll", "errors", "Dispatcher", "config", "typeof", "get_num_threads",
           "set_num_threads", "get_thread_id", "types", "typed", "vectorize", "guvectorize", "cfunc", "carray", "farray",
           "void", "none", "boolean", "bool_", "int8", "int16", "int32", "int64", "intp", "int_", "uint8",
           "uint16", "uint32", "uint64", "uintp", "float32", "float64", "double", "complex64", "complex128",
           "intc", "uintc", "char", "uchar", "short", "ushort", "long_", "ulong", "longlong", "ulonglong", "size_t",
           "ssize_t", "uint", "byte",
           "optional", "deferred_type", "objmode", "experimental", "threading_layer", "from_dtype", "pndindex",
           "literally", "set_parallel_chunksize", "get_parallel_chunksize", "parallel_chunksize"]

_OPTIONS = {"nopython", "parallel", "cache", "nogil", "fastmath", "boundscheck", "error_model",
            "inline", "locals", "forceobj", "looplift", "_nrt", "no_cpython_wrapper", "no_rewrites", "debug",
            "no_cfunc_wrapper", "target_backend", "pipeline_class"}


class _Config:
    """Settings read from EMBER_* environment variables (Numba's NUMBA_* equivalents), under the
    names Numba's numba.config gives them. DISABLE_JIT is 0 or 1, as Numba's int. Compiled code
    reads them as constants (config.NUMBA_NUM_THREADS)."""

    __name__ = "ember.config"

    def __init__(self):
        env = _os.environ
        self.DISABLE_JIT = int(env.get("EMBER_DISABLE_JIT", env.get("NUMBA_DISABLE_JIT", "0")) not in ("", "0"))
        self.OPT = int(env.get("EMBER_OPT", "3"))
        self.DUMP = env.get("EMBER_DUMP", "")
        self.NUMBA_DEFAULT_NUM_THREADS = _cpu_count()   # whatever EMBER_NUM_THREADS says
        self.NUMBA_NUM_THREADS = self.NUM_THREADS = _parallel_info()["max_threads"]   # EMBER_NUM_THREADS
        self.THREADING_LAYER = _parallel_info()["backend"]
        self.CACHE_DIR = env.get("EMBER_CACHE_DIR", env.get("NUMBA_CACHE_DIR", ""))   # ("": next to the source)
        self.DEBUG = int(env.get("EMBER_DEBUG", env.get("NUMBA_DEBUG", "0")) not in ("", "0"))


def _cpu_count():
    """The CPUs this process may run on, as the runtime counts them (runtime/parallel.c)."""
    if hasattr(_os, "sched_getaffinity"):
        return max(1, len(_os.sched_getaffinity(0)))
    return _os.cpu_count() or 1


config = _Config()


def literal_unroll(container):
    """In compiled code, `for x in literal_unroll(t)` runs the loop body once per element of the
    tuple t, typed for that element (elements may differ in type). Outside, it is t itself."""
    return container


def literally(obj):
    """Numba's literally(x): there it makes the compiler type x as a literal (its value, not just
    its type), recompiling the caller if need be. ember has no literal types, so literally is the
    identity, in Python and in compiled code (a register_jitable function, ember/extending.py); an
    @overload implementation that calls it (asking the typer to see a literal) is refused there."""
    return obj


_chunksize = _threading.local()


def set_parallel_chunksize(n):
    """Set the calling thread's parallel chunk size (0: the default) and return the previous one,
    as Numba's does. ember only stores it: its parallel loops split their iterations evenly among
    the threads whatever the setting."""
    if not isinstance(n, (int, _np_integer)):
        raise TypeError("The parallel chunksize must be an integer")
    if n < 0:
        raise ValueError("chunksize must be greater than or equal to zero")
    old = get_parallel_chunksize()
    _chunksize.value = int(n)
    return old


def get_parallel_chunksize():
    """The calling thread's parallel chunk size (see set_parallel_chunksize)."""
    return getattr(_chunksize, "value", 0)


class parallel_chunksize:
    """with parallel_chunksize(n): the chunk size set to n inside the block, restored after."""

    def __init__(self, chunksize):
        self.chunksize = chunksize

    def __enter__(self):
        self.old = set_parallel_chunksize(self.chunksize)

    def __exit__(self, *exc):
        set_parallel_chunksize(self.old)


def stencil(func_or_mode="constant", **options):
    """Numba's @stencil: a kernel written for one point with relative indexing, run over an
    array's interior (ember/_stencil.py)."""
    from ember._stencil import stencil as make
    return make(func_or_mode, **options)


def prange(*args):
    """range for loops whose iterations may run in parallel: in a @jit(parallel=True) function the
    loop runs on all threads (see get_num_threads); elsewhere, and in Python, it is range."""
    return range(*args)


# numba.pndindex: np.ndindex for prange-style loops over every index of a shape. ember runs
# them as np.ndindex loops (serially), the same indices in the same order.
pndindex = _np_ndindex


def get_thread_id():
    """The calling thread's index in the parallel region running it (0 outside one)."""
    return _parallel_info()["thread_id"]


def threading_layer():
    """The threading layer parallel loops run on, as Numba names it: 'omp' (OpenMP)."""
    return "omp"


def from_dtype(dtype):
    """The ember type of a NumPy dtype (Numba's numba.from_dtype): from_dtype(np.float32) is
    types.float32; a structured dtype gives its Record type."""
    import numpy as np
    dtype = np.dtype(dtype)
    if dtype.names is not None:
        return types.Record.from_dtype(dtype)
    t = types._SCALARS.get(dtype.name)
    if t is None or not dtype.isnative:
        raise errors.NumbaNotImplementedError(f"ember has no type for the dtype {dtype}")
    return t


def typeof(value):
    """The ember type of a value, e.g. typeof(1.0) == types.float64 (== 'float64': types compare
    equal to their names). ValueError for a value ember cannot pass to compiled code."""
    name = _typeof(value)
    if name is None:
        raise ValueError(f"cannot determine the ember type of {type(value).__name__} {value!r:.60}")
    return _from_name(name)


def _make(func, signatures, options):
    unknown = set(options) - _OPTIONS
    if unknown:
        raise TypeError("unknown option(s) for ember.jit: %s" % ", ".join(sorted(unknown)))
    if options.get("forceobj"):   # (nopython=False only allows Numba's object-mode fallback: nopython mode is tried first)
        return _ObjectMode(func)
    refused = _refusal(func)
    if refused is not None and not signatures:
        return _Refused(func, refused)
    return _dispatcher(func, options, signatures)


class _Refused:
    """@njit of a function ember cannot compile at all (a **kwargs parameter): as with Numba, the
    module that defines it still imports, and the error comes when it is called, or when a
    compiled caller is compiled (with signatures given, at once: Numba compiles them then)."""

    def __init__(self, func, message):
        self.py_func, self._message = func, message
        _functools.update_wrapper(self, func)

    def _refuse(self):
        raise errors.UnsupportedError(self._message)

    def __call__(self, *args, **kwargs):
        self._refuse()

    def __ember_dispatcher__(self, values, parallel, kwnames=(), consts=None):
        self._refuse()

    def __repr__(self):
        return f"<ember function {self.py_func.__qualname__} (not compilable: called, it raises)>"


class _ObjectMode:
    """@jit(forceobj=True): Numba's object mode runs the function on Python objects, with
    Python's semantics; here the interpreter runs it. Compiled code cannot call it (nor can
    Numba's nopython code call an object-mode function)."""

    def __init__(self, func):
        self.py_func = func
        _functools.update_wrapper(self, func)

    def __call__(self, *args, **kwargs):
        return self.py_func(*args, **kwargs)

    def __repr__(self):
        return f"<ember object-mode function {self.py_func.__qualname__} (run by Python)>"


def _dispatcher(func, options, signatures=None):
    """A Dispatcher that reads as func does (name, module, doc), or func itself under
    EMBER_DISABLE_JIT. Unpickling (ember/_pickle.py) rebuilds dispatchers through here too."""
    if config.DISABLE_JIT:
        return func
    _check_function(func)
    d = Dispatcher(func, options, signatures)
    for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
        try:
            setattr(d, attr, getattr(func, attr))
        except AttributeError:
            pass
    d.__wrapped__ = func
    _pickle.register(d)
    _objmode.remember(func)
    return d


_CO_VARKEYWORDS = 0x08   # inspect's flag (inspect itself is slow to import)


def _check_function(func):
    """What the decorator can compile: a plain Python function with named parameters."""
    import types

    if not isinstance(func, types.FunctionType):
        what = "a signature" if isinstance(func, (str, list, tuple)) else f"an object of type {type(func).__name__}"
        raise TypeError(f"ember.jit compiles Python functions; it was given {what} ({func!r:.80})")
    message = _refusal(func)
    if message is not None:
        raise errors.UnsupportedError(message)


def _refusal(func):
    """Why ember cannot compile func at all, or None."""
    code = getattr(func, "__code__", None)
    if code is not None and code.co_flags & _CO_VARKEYWORDS:
        return (f"{code.co_filename}:{code.co_firstlineno} in {func.__qualname__}: a **kwargs parameter is not "
                "supported (compiled functions take named parameters and *args)")
    return None


def jit(signature_or_function=None, **options):
    """Compile a function. Used bare (@jit), with options (@jit(nogil=True)) or with signatures
    (@jit("float64(float64, int64)") or a list of them). Always nopython mode."""
    if callable(signature_or_function) and not isinstance(signature_or_function, (str, list, tuple, types.Type)):
        return _make(signature_or_function, None, options)
    signatures = signature_or_function
    if signatures is not None and not isinstance(signatures, (str, list, tuple, types.Signature)):
        raise TypeError(f"ember.jit takes a function, a signature (a string or ember.types object) or a list of "
                        f"them, not {type(signatures).__name__} ({signatures!r:.80})")
    if "locals" in options:
        options["locals"] = _locals_text(options["locals"])

    def decorate(func):
        return _make(func, signatures, options)

    return decorate


def _locals_text(declared):
    """locals={'x': float64} (type objects or names) as {'x': 'float64'}, checked now."""
    if not isinstance(declared, dict):
        raise TypeError(f"locals= takes a dict of variable names to types, not {type(declared).__name__}")
    out = {}
    for name, t in declared.items():
        if not isinstance(t, (str, types.Type)):
            raise TypeError(f"locals['{name}'] must be an ember type (ember.types.float64, ...), not {t!r:.60}")
        out[name] = str(t if isinstance(t, types.Type) else types.from_name(t))
    return out


def njit(signature_or_function=None, **options):
    """jit in nopython mode (the only mode ember has)."""
    options.pop("nopython", None)
    return jit(signature_or_function, **options)


from ember._ufunc import vectorize, guvectorize, cfunc, carray, farray   # noqa: E402 (uses _dispatcher)

literally.__ember_jitable__ = njit(literally)   # as @register_jitable marks it


def __getattr__(name):
    """ember.extending, ember.core and ember.np load when first named (numba.extending, ... under
    `import ember as numba`)."""
    if name in ("extending", "core", "np"):
        import importlib
        return importlib.import_module("ember." + name)
    if name == "jitclass":   # Numba's path before 0.49, which older programs import
        return experimental.jitclass
    raise AttributeError(f"module 'ember' has no attribute '{name}'")
