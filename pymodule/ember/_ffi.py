"""C functions compiled code may call: ctypes functions (with argtypes and restype) and cffi
function pointers (ABI mode, ``ffi.dlopen``; API-mode ``lib.f`` of an out-of-line module).

Typing (typeinfer/ffi.c) asks ``describe(obj)`` about a global, closure value or argument that
is no other kind of value. The answer names the function by the shared library that exports it
and its symbol, never by its address (DESIGN.md contract 1): generated code calls the symbol
``ember.dl:<library path>:<symbol>`` and the loader (runtime/loader.c) looks it up in each process,
so cached code stays valid when the library loads elsewhere.

The signature is a string of letters, the result first: d double, f float, b/B int8/uint8,
h/H int16/uint16, i/I int32/uint32, q/Q int64/uint64, ? bool, p a pointer, v void (result only).
"""

import ctypes
import ctypes.util

_CTYPES_LETTERS = {
    ctypes.c_double: "d", ctypes.c_float: "f",
    ctypes.c_int8: "b", ctypes.c_uint8: "B", ctypes.c_int16: "h", ctypes.c_uint16: "H",
    ctypes.c_int32: "i", ctypes.c_uint32: "I", ctypes.c_int64: "q", ctypes.c_uint64: "Q",
    ctypes.c_bool: "?", ctypes.c_void_p: "p", ctypes.c_char_p: "p",
}
# c_int, c_long, c_size_t ... are aliases of the fixed-width types above on every ABI ember runs on
for _t in (ctypes.c_int, ctypes.c_uint, ctypes.c_long, ctypes.c_ulong, ctypes.c_longlong,
           ctypes.c_ulonglong, ctypes.c_short, ctypes.c_ushort, ctypes.c_byte, ctypes.c_ubyte,
           ctypes.c_size_t, ctypes.c_ssize_t):
    _CTYPES_LETTERS.setdefault(_t, {1: "b", 2: "h", 4: "i", 8: "q"}[ctypes.sizeof(_t)]
                               if _t(-1).value < 0 else {1: "B", 2: "H", 4: "I", 8: "Q"}[ctypes.sizeof(_t)])

_CFFI_LETTERS = {
    "double": "d", "float": "f", "int8_t": "b", "uint8_t": "B", "int16_t": "h", "uint16_t": "H",
    "int32_t": "i", "uint32_t": "I", "int64_t": "q", "uint64_t": "Q", "_Bool": "?", "bool": "?",
    "void": "v", "char": "b", "signed char": "b", "unsigned char": "B", "short": "h",
    "unsigned short": "H", "int": "i", "unsigned int": "I", "long": "q", "unsigned long": "Q",
    "long long": "q", "unsigned long long": "Q", "size_t": "Q", "ssize_t": "q", "intptr_t": "q",
    "uintptr_t": "Q",
}


class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


_libdl = ctypes.CDLL(None)
_dladdr = _libdl.dladdr
_dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo)]
_dladdr.restype = ctypes.c_int


_indirect = {}   # library path -> the names of its GNU indirect functions


def _indirect_functions(path):
    """The exported GNU indirect functions (STT_GNU_IFUNC) of an ELF64 shared library: their
    addresses are an implementation dladdr cannot name (libm's sin, libc's memset)."""
    if path in _indirect:
        return _indirect[path]
    import struct
    names = []
    try:
        with open(path, "rb") as f:
            data = f.read()
        if data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1:   # 64-bit little-endian
            shoff, = struct.unpack_from("<Q", data, 0x28)
            shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
            sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + k * shentsize) for k in range(shnum)]
            for sh in sections:
                if sh[1] != 11:   # SHT_DYNSYM
                    continue
                strtab = sections[sh[6]]
                for off in range(sh[4], sh[4] + sh[5], 24):
                    st_name, st_info, _, st_shndx = struct.unpack_from("<IBBH", data, off)
                    if st_info & 0xF == 10 and st_shndx and st_info >> 4 in (1, 2):   # IFUNC, GLOBAL/WEAK
                        end = data.index(b"\0", strtab[4] + st_name)
                        names.append(data[strtab[4] + st_name:end].decode())
    except (OSError, ValueError, struct.error, IndexError):
        names = []
    _indirect[path] = names
    return names


_CAPI = {}   # address -> (module, function) of get_cython_function_address's results


def cython_function_address(module_name, function_name):
    """The address of `function_name` in Cython module `module_name`'s `__pyx_capi__`."""
    import importlib
    capi = getattr(importlib.import_module(module_name), "__pyx_capi__", None)
    if not capi or function_name not in capi:
        raise ValueError(f"No function '{function_name}' found in __pyx_capi__ of '{module_name}'")
    capsule = capi[function_name]
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype, get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype, get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    address = get_pointer(capsule, get_name(capsule))
    _CAPI[address] = (module_name, function_name)
    return address


def _symbol_of(address, what, name=None):
    """'ember.dl:<path>:<symbol>' for an address a shared library exports, else TypeError. The
    symbol is the one dladdr names, or `name` where the library's `name` is this address (a
    GNU indirect function such as memset resolves to an implementation with another name)."""
    if address in _CAPI:   # a Cython module's C function: by module and name (runtime/loader.c)
        return "ember.capi:%s:%s" % _CAPI[address]
    info = _DlInfo()
    if address and _dladdr(address, ctypes.byref(info)) and info.dli_fname:
        path = info.dli_fname.decode()
        if info.dli_sname and info.dli_saddr == address:
            return "ember.dl:%s:%s" % (path, info.dli_sname.decode())
        for candidate in ([name] if name else []) + _indirect_functions(path):
            try:
                found = getattr(ctypes.CDLL(path), candidate)
            except (OSError, AttributeError):
                continue
            if ctypes.cast(found, ctypes.c_void_p).value == address:
                return "ember.dl:%s:%s" % (path, candidate)
    raise TypeError(f"{what} is not a function a shared library exports by name (a ctypes callback "
                    f"or a static function); ember calls C functions by library and symbol")


def _ctypes_letter(t, what, result=False):
    if t is None and result:
        return "v"
    if t in _CTYPES_LETTERS:
        return _CTYPES_LETTERS[t]
    if isinstance(t, type) and issubclass(t, ctypes._Pointer):
        return "p"
    raise TypeError(f"{what}: the C type {getattr(t, '__name__', t)!r} is not supported (numbers, bool, pointers)")


def _describe_ctypes(f):
    name = getattr(f, "__name__", "?")
    if f.argtypes is None:
        raise TypeError(f"ctypes function '{name}' has no argtypes: set them, so ember knows how to pass arguments")
    sig = _ctypes_letter(f.restype, f"ctypes function '{name}' result", result=True)
    sig += "".join(_ctypes_letter(t, f"ctypes function '{name}' argument {i + 1}") for i, t in enumerate(f.argtypes))
    return sig, _symbol_of(ctypes.cast(f, ctypes.c_void_p).value, f"ctypes function '{name}'", name)


def _cffi_letter(t, what):
    if t.kind == "primitive" or t.kind == "void":
        if t.cname in _CFFI_LETTERS:
            return _CFFI_LETTERS[t.cname]
    elif t.kind == "pointer":
        return "p"
    raise TypeError(f"{what}: the C type '{t.cname}' is not supported (numbers, bool, pointers)")


def _describe_cffi(f, ffi, name):
    t = ffi.typeof(f)
    if t.kind == "pointer" and t.item.kind == "function":
        t = t.item
    if t.kind != "function" or t.ellipsis:
        raise TypeError(f"cffi function '{name}' is a {t.cname}: ember calls functions with fixed arguments")
    sig = _cffi_letter(t.result, f"cffi function '{name}' result")
    sig += "".join(_cffi_letter(a, f"cffi function '{name}' argument {i + 1}") for i, a in enumerate(t.args))
    return sig, _symbol_of(int(ffi.cast("uintptr_t", f)), f"cffi function '{name}'", name if name.isidentifier() else None)


def _cffi_module_of(lib):
    import sys
    for mod in list(sys.modules.values()):
        if getattr(mod, "lib", None) is lib and hasattr(mod, "ffi"):
            return mod.ffi
    return None


def describe(obj):
    """(signature, symbol) for a C function ember can call; "namespace" for a library object
    whose attributes are such functions (ctypes.CDLL, a cffi lib: code reads `lib.f`); None for
    other objects; TypeError (its message becomes the diagnostic) for a C function it cannot."""
    if isinstance(obj, ctypes.CDLL) or (type(obj).__module__ == "_cffi_backend" and type(obj).__name__ == "Lib") \
            or type(obj).__qualname__.startswith("_make_ffi_library.<locals>.FFILibrary"):
        return "namespace"
    if isinstance(obj, ctypes._CFuncPtr):
        return _describe_ctypes(obj)
    owner = getattr(obj, "__self__", None)
    if type(owner).__module__ == "_cffi_backend" and type(owner).__name__ == "Lib":   # API mode: lib.f
        ffi = _cffi_module_of(owner)
        if ffi is None:
            raise TypeError(f"cffi function '{obj.__name__}': the module holding its ffi and lib is not imported")
        return _describe_cffi(ffi.addressof(owner, obj.__name__), ffi, obj.__name__)
    if type(obj).__module__ == "_cffi_backend":   # ABI mode: a function pointer
        import cffi
        ffi = cffi.FFI()
        if isinstance(obj, ffi.CData) and ffi.typeof(obj).kind in ("function", "pointer"):
            return _describe_cffi(obj, ffi, str(ffi.typeof(obj).cname))
    return None
