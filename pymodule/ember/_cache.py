"""The on-disk cache of compiled specialisations (cache=True).

An entry holds the object code of one specialisation (the bytes the loader also loads right
after a compile, DESIGN.md contract 1), its bitcode (so that callers compiled later can inline
it), its symbol and its return type. It is named by a key over everything that changes the code:

    env        ember's build, LLVM's version, Python's version, the CPU model and its features
    options    the decorator's options and EMBER_BOUNDSCHECK / EMBER_OPT / EMBER_LLVM_OPTIONS
    signature  the argument types (and the declared return type)
    code       the function's code object: bytecode, constants, names, nested code objects
    global X   the value of each global name X the code mentions: for a compiled function its
               own code and globals, transitively (so editing a callee in another file changes
               its callers' keys); for a module, the attributes the code names; arrays by content
    cell X     the same for each closure variable

Nothing is compared by time stamp, so an entry is never stale: a different key is a different
file. Files live in __pycache__ next to the source (EMBER_CACHE_DIR, else NUMBA_CACHE_DIR,
overrides; a directory that cannot be written falls back to the user's cache directory), one per
specialisation:

    __pycache__/kernels.saxpy-3f9c...e1.ember

Code with no file (a notebook cell, exec) is cached by content in one place, the user's cache
directory's nofile/ (~/.cache/ember/nofile/__main__.saxpy-....ember), so a restarted kernel
finds what the last one compiled; see _sweep for how its unused entries go.

    b"EMBERC01" | key (40 bytes, hex) | payload length (8, little-endian) | blake2b-256 of the payload
    payload: four fields, each a 4-byte little-endian length and bytes:
             return type name, symbol, object code, bitcode

Writes go to a temporary file renamed into place, so readers see a whole entry or none; a short,
damaged or foreign file fails the checks and is replaced by a fresh compile, with a warning.
EMBER_DEBUG_CACHE=1 reports each lookup on stderr, and on a miss says what changed since the
entry last stored for the function (from a small index file written beside the entries).

When several processes miss one entry at once, one compiles and the others wait for its entry
(see _acquire). The C driver (pymodule/driver.c) calls lookup(), store(), release(), reject()
and warn(); an exception here becomes a CacheWarning there, never a failed compile.
"""
import hashlib
import os
import struct
import sys
import types
import warnings

from ember import errors

MAGIC = b"EMBERC01"
_HEADER = struct.Struct("<8s40sQ32s")
_FIELD = struct.Struct("<I")
_env_digest = None
_MISSING = object()


def _debug(msg):
    if os.environ.get("EMBER_DEBUG_CACHE", "") not in ("", "0"):
        sys.stderr.write("ember cache: %s\n" % msg)


def warn(what, exc=None):
    text = "ember: " + what + ("" if exc is None else ": %s" % exc)
    warnings.warn(text, errors.CacheWarning, stacklevel=3)


# ---- the key ------------------------------------------------------------------------------

def _cpu():
    """The CPU model and features (the code is compiled for this host's CPU)."""
    try:
        with open("/proc/cpuinfo") as f:
            block = f.read(65536).split("\n\n")[0]
        keep = [line for line in block.splitlines()
                if line.split(":")[0].strip() in ("vendor_id", "cpu family", "model", "model name", "flags")]
        return "\n".join(keep)
    except OSError:
        import platform
        return platform.machine() + " " + platform.processor()


def _env():
    global _env_digest
    if _env_digest is None:
        import importlib.util
        from ember import __version__, _ember
        h = hashlib.blake2b(digest_size=16)
        info = sorted(_ember.build_info().items())   # LLVM's version; whether libmvec loads
        h.update(("ember %s|%s|%s|" % (__version__, info, sys.version)).encode())
        for mod in ("ember._ember", "ember._embercc"):   # a rebuilt ember is a different compiler
            spec = importlib.util.find_spec(mod)
            st = os.stat(spec.origin)
            h.update(("%s %d %d|" % (mod, st.st_size, st.st_mtime_ns)).encode())
        h.update(_cpu().encode())
        _env_digest = h.hexdigest()
    return _env_digest


def _code_names(co, out):
    """Every global or attribute name the code (and its nested code) mentions."""
    out.update(co.co_names)
    for c in co.co_consts:
        if isinstance(c, types.CodeType):
            _code_names(c, out)
    return out


def _feed_code(h, co):
    for part in (co.co_code, co.co_linetable, co.co_exceptiontable):
        h.update(part)
    h.update(repr((co.co_qualname, co.co_names, co.co_varnames, co.co_freevars, co.co_cellvars,
                   co.co_argcount, co.co_posonlyargcount, co.co_kwonlyargcount, co.co_flags,
                   co.co_firstlineno)).encode())
    for c in co.co_consts:
        if isinstance(c, types.CodeType):
            _feed_code(h, c)
        else:
            h.update(repr((type(c).__name__, c)).encode())


def _options_text(options):
    return repr(sorted((k, repr(v)) for k, v in options.items() if k != "cache"))


def _overloads_of(v):
    """The (typer, options) of v's @overloads (ember/extending.py), or ()."""
    ext = sys.modules.get("ember.extending")
    return ext._overloads(v) if ext is not None and callable(v) and not isinstance(v, type) else ()


def _value(v, names, seen, mods):
    """A text that changes whenever compiled code using v would change. seen: the functions
    already digested (recursion); mods: the modules on the current path (cycles)."""
    from ember import Dispatcher
    import numpy as np
    if type(v).__name__ in ("ufunc", "DUFunc", "GUFunc"):   # ember's ufuncs: callers inline the kernel
        from ember._ember import ufunc_kernel
        v = getattr(ufunc_kernel(v), "kernel", v)
    if type(v).__name__ == "CFunc":   # called as its Python function compiled with its signature
        v = v._ember_callee()
    if isinstance(v, Dispatcher):
        return "compiled %s %s" % (_options_text(v.targetoptions), _function(v.py_func, seen))
    jitable = getattr(v, "__ember_jitable__", None) if isinstance(v, types.FunctionType) else None
    if jitable is not None:   # @register_jitable: its compiled version
        return _value(jitable, names, seen, mods)
    overloads = _overloads_of(v)
    if overloads:   # @overload: the typers' code
        return "overloaded " + " ".join(_function(typer, seen) for typer, _ in overloads)
    if type(v).__name__ == "JitClassType":   # as numba: code using jitclasses is compiled each run
        raise TypeError(f"it uses the jitclass {v.__qualname__}, which is not cached")
    if v is None or isinstance(v, (bool, int, float, complex, str, bytes)):
        return "%s %r" % (type(v).__name__, v)
    if isinstance(v, (tuple, list)):
        return "%s(%s)" % (type(v).__name__, ", ".join(_value(x, names, seen, mods) for x in v))
    if isinstance(v, np.ndarray):
        data = np.ascontiguousarray(v).tobytes()
        return "array %s %s %s %s" % (v.dtype.str, v.shape, v.flags.writeable, hashlib.blake2b(data, digest_size=16).hexdigest())
    if isinstance(v, np.generic):
        return "numpy %s %r" % (v.dtype.str, v.item())
    if isinstance(v, types.ModuleType):
        if id(v) in mods:
            return "module " + v.__name__
        parts = ["module " + v.__name__]
        for n in sorted(names):   # the attributes the code may read from it
            a = getattr(v, n, _MISSING)
            if a is not _MISSING and (isinstance(a, (Dispatcher, types.ModuleType, np.ndarray, np.generic)) or
                                      a is None or isinstance(a, (bool, int, float, complex, str, tuple)) or
                                      _overloads_of(a)):   # np.piecewise with an @overload
                parts.append("%s=%s" % (n, _value(a, names, seen, mods | {id(v)})))
        return " ".join(parts)
    name = getattr(v, "__qualname__", None) or getattr(v, "__name__", None)
    if name is not None:   # functions, classes, ufuncs: by what they are
        return "%s %s.%s" % (type(v).__name__, getattr(v, "__module__", None), name)
    return "%s %r" % (type(v).__qualname__, v)   # a repr with an address simply never hits


def _function(func, seen):
    """The digest of a function's code and of everything it reads."""
    if id(func) in seen:
        return "recursive " + func.__qualname__
    seen.add(id(func))
    h = hashlib.blake2b(digest_size=16)
    for name, part in sorted(_parts(func, seen).items()):
        h.update(("%s=%s\n" % (name, part)).encode())
    return h.hexdigest()


def _parts(func, seen):
    co = func.__code__
    h = hashlib.blake2b(digest_size=16)
    _feed_code(h, co)
    parts = {"code": h.hexdigest()}
    names = _code_names(co, set())
    g = func.__globals__
    b = g.get("__builtins__", {})
    b = b.__dict__ if isinstance(b, types.ModuleType) else b
    for n in sorted(names):   # in a fixed order: `seen` makes the first visit of a function count
        v = g.get(n, _MISSING)
        if v is not _MISSING:
            parts["global " + n] = _value(v, names, seen, set())
        elif n in b:
            parts["global " + n] = "builtin"
    for n, cell in zip(co.co_freevars, func.__closure__ or ()):
        try:
            parts["cell " + n] = _value(cell.cell_contents, names, seen, set())
        except ValueError:   # an empty cell
            parts["cell " + n] = "empty"
    ext = sys.modules.get("ember.extending")
    for n in sorted(names) if ext is not None else ():   # x.n, where n is an overload_method/attribute
        typers = [t for table in (ext._METHODS, ext._ATTRIBUTES) for _, t, _ in table.get(n, ())]
        if typers:
            parts["extending " + n] = " ".join(_function(t, seen) for t in typers)
    return parts


def _components(dispatcher, signature):
    func = dispatcher.py_func
    comps = {"env": _env(), "signature": signature,
             "options": _options_text(dispatcher.targetoptions) + " boundscheck=%s opt=%s llvm=%s" % (
                 os.environ.get("EMBER_BOUNDSCHECK", ""), os.environ.get("EMBER_OPT", ""),
                 os.environ.get("EMBER_LLVM_OPTIONS", ""))}
    for name, part in _parts(func, {id(func)}).items():
        comps[name] = part if len(part) <= 64 else hashlib.blake2b(part.encode(), digest_size=16).hexdigest()
    return comps


def _key(comps):
    h = hashlib.blake2b(digest_size=20)
    for name in sorted(comps):
        h.update(("%s=%s\n" % (name, comps[name])).encode())
    return h.hexdigest()


# ---- where the files go ---------------------------------------------------------------------

def _user_cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "ember")


def _writable_dir(path):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK | os.X_OK)


def _has_file(func):
    return os.path.isfile(func.__code__.co_filename)


def _directory(func):
    override = os.environ.get("EMBER_CACHE_DIR") or os.environ.get("NUMBA_CACHE_DIR")
    if override:
        return override
    src = func.__code__.co_filename
    if not _has_file(func):   # exec, a notebook cell: one place for all, entries named by content
        return os.path.join(_user_cache_dir(), "nofile")
    local = os.path.join(os.path.dirname(os.path.abspath(src)), "__pycache__")
    if _writable_dir(local):
        return local
    # read-only sources: a directory of the user's cache per source directory
    where = hashlib.blake2b(os.path.dirname(os.path.abspath(src)).encode(), digest_size=8).hexdigest()
    return os.path.join(_user_cache_dir(), where)


def _stem(func):
    if _has_file(func):
        where = os.path.splitext(os.path.basename(func.__code__.co_filename))[0]
    else:   # the file name of a cell or of exec'd text is not stable (ipykernel's holds its pid)
        where = func.__module__ if isinstance(func.__module__, str) else "nofile"
    text = "%s.%s" % (where, func.__qualname__)
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in text)


# ---- lookups and stores ---------------------------------------------------------------------

class Probe:
    """One lookup: its key and where the entry lives; `hit` is (ret, symbol, object, bitcode).
    After a miss the probe holds the entry's lock until release()."""

    def __init__(self, dispatcher, signature):
        func = dispatcher.py_func
        self.what = "%s%s" % (func.__qualname__, signature)
        self.components = _components(dispatcher, signature)
        self.key = _key(self.components)
        self.dir = _directory(func)
        self.stem = _stem(func)
        self.path = os.path.join(self.dir, "%s-%s.ember" % (self.stem, self.key))
        self.signature = signature
        self.nofile = not _has_file(func)
        self.hit = None
        self.damaged = False
        self.lock_fd = None


def _read(path, key):
    """The entry's fields, or None if absent; raises ValueError saying what is wrong with it."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    if len(data) < _HEADER.size:
        raise ValueError("truncated (%d bytes)" % len(data))
    magic, stored_key, length, digest = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError("not an ember cache entry of this format")
    if stored_key != key.encode():
        raise ValueError("it holds another key")
    payload = data[_HEADER.size:]
    if len(payload) != length:
        raise ValueError("truncated (%d of %d bytes)" % (len(payload), length))
    if hashlib.blake2b(payload, digest_size=32).digest() != digest:
        raise ValueError("checksum mismatch")
    fields, at = [], 0
    for _ in range(4):
        if at + 4 > len(payload):
            raise ValueError("malformed")
        (n,) = _FIELD.unpack_from(payload, at)
        fields.append(payload[at + 4:at + 4 + n])
        at += 4 + n
    if at != len(payload):
        raise ValueError("malformed")
    return fields[0].decode(), fields[1].decode(), fields[2], fields[3]


def _write_atomic(path, data):
    import tempfile
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".ember", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _load(probe, report):
    """Read the entry into probe.hit. False if absent; a damaged entry is a miss, and with
    report, a warning."""
    try:
        probe.hit = _read(probe.path, probe.key)
    except (ValueError, UnicodeDecodeError, OSError) as e:
        probe.damaged = True
        if report:
            warn("cache entry %s is unusable (%s); compiling it again" % (probe.path, e))
            _debug("%s: miss (the entry is unusable: %s)" % (probe.what, e))
        return False
    if probe.hit is not None and probe.nofile:
        try:
            os.utime(probe.path)   # in use: _sweep keeps it
        except OSError:
            pass
    return probe.hit is not None


def lookup(dispatcher, signature):
    probe = Probe(dispatcher, signature)
    if _load(probe, True):
        _debug("%s: hit %s" % (probe.what, probe.path))
        return probe
    if probe.damaged:   # compile, without waiting for anyone
        return probe
    waited = _acquire(probe)
    if _load(probe, False):   # stored meanwhile, by the process it waited for or one just done
        release(probe)
        _debug("%s: hit %s%s" % (probe.what, probe.path, " (after waiting for another process compiling it)" if waited else ""))
        return probe
    if os.environ.get("EMBER_DEBUG_CACHE", "") not in ("", "0"):
        _debug("%s: miss (%s)" % (probe.what, _why_missed(probe)))
    return probe


# ---- one compile among many processes -------------------------------------------------------
# Processes that miss the same entry at once (mpirun ranks, a Pool, Dask workers) compile it
# once: each takes an flock on a lock file beside the entry, and whoever holds it compiles and
# stores while the others wait, then read the entry. The kernel drops the lock of a process that
# dies, so a dead holder blocks no one; a waiter that waits longer than EMBER_CACHE_LOCK_TIMEOUT
# seconds (default 120) compiles itself. The holder removes the lock file before letting go (a
# waiter that then holds the lock of a removed file tries again), so no lock files pile up.

def _acquire(probe):
    """Hold probe's lock, waiting while another process holds it. True if one did (its entry
    may be there now); never raises: a lock that cannot be made is simply not taken."""
    import fcntl
    import time
    path = probe.path + ".lock"
    try:
        timeout = float(os.environ.get("EMBER_CACHE_LOCK_TIMEOUT", "120"))
    except ValueError:
        timeout = 120.0
    start = time.monotonic()
    delay, contended = 0.005, False
    while True:
        try:
            os.makedirs(probe.dir, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            return contended   # a read-only cache: nothing to store, nothing to wait for
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            if not contended:
                _debug("%s: waiting for another process compiling it" % probe.what)
            contended = True
            waited = time.monotonic() - start
            if waited >= timeout:
                warn("waited %.0fs for another process compiling %s; compiling it here" % (waited, probe.what))
                return True
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
            continue
        try:
            current = os.stat(path).st_ino == os.fstat(fd).st_ino
        except OSError:
            current = False
        if current:
            probe.lock_fd = fd
            return contended
        os.close(fd)   # the holder finished and removed the file: lock the new one
        contended = True


def release(probe):
    """Let go of probe's lock (after its entry is stored, or the compile failed)."""
    fd, probe.lock_fd = probe.lock_fd, None
    if fd is None:
        return
    try:
        os.unlink(probe.path + ".lock")
    except OSError:
        pass
    os.close(fd)


def reject(probe, reason):
    """The entry read back does not load: compile again (store() replaces it)."""
    probe.hit = None
    warn("cache entry %s does not load (%s); compiling it again" % (probe.path, reason))
    _debug("%s: miss (the entry does not load: %s)" % (probe.what, reason))


def store(probe, ret, symbol, obj, bitcode):
    payload = b"".join(_FIELD.pack(len(f)) + f for f in (ret.encode(), symbol.encode(), obj, bitcode))
    head = _HEADER.pack(MAGIC, probe.key.encode(), len(payload), hashlib.blake2b(payload, digest_size=32).digest())
    if not _writable_dir(probe.dir):
        raise OSError("cannot write to %s" % probe.dir)
    _write_atomic(probe.path, head + payload)
    _write_index(probe)
    _debug("%s: stored %s" % (probe.what, probe.path))
    if probe.nofile:
        _sweep(probe.dir)


# Code with no file has no name that outlives it: a notebook cell edited and run again, or a
# notebook deleted, leaves entries nothing will look up. The index prunes the older versions of
# a name (KEEP); on top, in the shared directory, entries unused (hits touch them) for
# EMBER_CACHE_MAX_AGE days (default 30) are removed, once per process.
_swept = set()


def _sweep(directory):
    import time
    if directory in _swept:
        return
    _swept.add(directory)
    try:
        days = float(os.environ.get("EMBER_CACHE_MAX_AGE", "30"))
    except ValueError:
        days = 30.0
    oldest = time.time() - days * 86400
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if name.endswith((".ember", ".index", ".lock")):
            path = os.path.join(directory, name)
            try:
                if os.stat(path).st_mtime < oldest:
                    os.unlink(path)
                    _debug("removed %s (unused for %g days)" % (path, days))
            except OSError:
                pass


# ---- the index: pruning, and why a lookup missed (EMBER_DEBUG_CACHE) --------------------------
# The index beside the entries maps each signature of a function to the components of the key
# last stored for it, and to the keys stored for it, newest first. A store keeps KEEP of them
# and deletes the entries of the rest, so edits do not pile up stale entries, while a few
# configurations used in turn (EMBER_BOUNDSCHECK on and off, two Python versions sharing a
# directory) keep theirs. A miss names the components that differ from the last store.

KEEP = 4
_INDEX_FORMAT = 2


def _index_path(probe):
    return os.path.join(probe.dir, "%s.index" % probe.stem)


def _read_index(probe):
    """{signature: {"components": {...}, "keys": [newest, ...]}}; empty if absent or unreadable."""
    import json
    try:
        with open(_index_path(probe)) as f:
            index = json.load(f)
    except (OSError, ValueError):
        return {}
    if not isinstance(index, dict) or index.get("format") != _INDEX_FORMAT:
        return {}
    sigs = index.get("signatures")
    return sigs if isinstance(sigs, dict) else {}


def _write_index(probe):
    import json
    sigs = _read_index(probe)
    old = sigs.get(probe.signature)
    keys = [k for k in (old.get("keys", []) if isinstance(old, dict) else []) if isinstance(k, str)]
    keys = [probe.key] + [k for k in keys if k != probe.key]
    sigs[probe.signature] = {"components": probe.components, "keys": keys[:KEEP]}
    index = {"format": _INDEX_FORMAT, "signatures": sigs}
    _write_atomic(_index_path(probe), json.dumps(index, sort_keys=True).encode())
    for key in keys[KEEP:]:
        if len(key) == 40 and all(c in "0123456789abcdef" for c in key):   # only names made here
            try:
                os.unlink(os.path.join(probe.dir, "%s-%s.ember" % (probe.stem, key)))
            except OSError:
                pass


def _why_missed(probe):
    sigs = _read_index(probe)
    if not sigs:
        return "no entry for this function yet"
    old = sigs.get(probe.signature)
    old = old.get("components") if isinstance(old, dict) else None
    if not isinstance(old, dict):
        return "no entry for this signature yet (cached: %s)" % ", ".join(sorted(sigs))
    new = probe.components
    changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    if not changed:
        return "the entry was removed"
    labels = {"env": "ember, LLVM, Python or the CPU changed", "options": "the options changed",
              "code": "the function's code changed"}
    return "; ".join(labels.get(k, "%s changed" % k if k in old and k in new else
                                ("%s is new" % k if k in new else "%s is gone" % k)) for k in changed)
