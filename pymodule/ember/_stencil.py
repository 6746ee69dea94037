"""@stencil: Numba's stencil decorator on ember.

A stencil kernel is written for one point with relative indexing (``a[-1, 0]`` is the
neighbour above); calling the stencil runs it over every point whose neighbourhood lies inside
the first array and gives the others ``cval``::

    @stencil
    def blur(a):
        return 0.25 * (a[-1, 0] + a[1, 0] + a[0, -1] + a[0, 1])

    out = blur(img)                 # or blur(img, out=buf), or called from @njit code

The kernel's source is rewritten into two compiled functions (no interpreter at run time): the
kernel at one absolute point (``a[__i0 - 1, __i1]``) and a loop nest over the interior that calls
it, with ``prange`` on the outer loop when the caller is ``parallel=True``. The neighbourhood is
read from the constant offsets unless ``neighborhood=`` gives it; the result's dtype is the
kernel's result type, as ember's typing infers it for the arguments.

Options as Numba's: ``neighborhood=((lo, hi), ...)``, ``cval=`` (0 by default),
``standard_indexing=("name", ...)`` for arguments indexed normally, ``func_or_mode="constant"``.
"""

import ast
import inspect
import textwrap

import numpy as np

__all__ = ["stencil"]


class StencilError(TypeError):
    pass


def stencil(func_or_mode="constant", **options):
    if callable(func_or_mode):
        return StencilFunc(func_or_mode, **options)
    if func_or_mode != "constant":
        raise ValueError(f"stencil mode {func_or_mode!r} is not supported (only 'constant')")

    def decorate(func):
        return StencilFunc(func, **options)
    return decorate


class _Relative(ast.NodeTransformer):
    """a[x, y] -> a[__i0 + (x), __i1 + (y)] for the relatively indexed arguments, recording the
    constant offsets per dimension."""

    def __init__(self, names):
        self.names = names
        self.ndim = None
        self.offsets = []   # per dimension: the constant offsets seen
        self.constant = True

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if not (isinstance(node.value, ast.Name) and node.value.id in self.names):
            return node
        idx = node.slice
        elts = list(idx.elts) if isinstance(idx, ast.Tuple) else [idx]
        if self.ndim is None:
            self.ndim = len(elts)
            self.offsets = [[] for _ in elts]
        elif len(elts) != self.ndim:
            raise StencilError(f"stencil: '{node.value.id}' is indexed with {len(elts)} and {self.ndim} indices")
        new = []
        for k, e in enumerate(elts):
            if isinstance(e, ast.Slice):
                raise StencilError("stencil: relative indices must be offsets, not slices")
            try:
                self.offsets[k].append(int(ast.literal_eval(e)))
            except (ValueError, TypeError, SyntaxError):
                self.constant = False
            new.append(ast.BinOp(left=ast.Name(id=f"__i{k}", ctx=ast.Load()), op=ast.Add(), right=e))
        node.slice = ast.Tuple(elts=new, ctx=ast.Load()) if len(new) > 1 else new[0]
        return node


class StencilFunc:
    def __init__(self, kernel, neighborhood=None, cval=None, standard_indexing=(), func_or_mode="constant"):
        if func_or_mode != "constant":
            raise ValueError(f"stencil mode {func_or_mode!r} is not supported (only 'constant')")
        self.kernel = kernel
        self.cval = 0 if cval is None else cval
        self.__name__ = getattr(kernel, "__name__", "stencil")
        self.__qualname__ = getattr(kernel, "__qualname__", self.__name__)   # what compiled callers' messages name
        self.__doc__ = kernel.__doc__
        code = kernel.__code__
        if code.co_freevars:
            raise StencilError(f"stencil kernel '{self.__name__}' uses variables of an enclosing function "
                               f"({', '.join(code.co_freevars)}): pass them as arguments")
        self.params = list(code.co_varnames[:code.co_argcount])
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(kernel)))
        except OSError:
            from ember.errors import UnsupportedError
            raise UnsupportedError(
                f"{code.co_filename}:{code.co_firstlineno}: @stencil kernel '{kernel.__name__}' has no source file "
                "(defined in python -c or exec of a string): ember builds a stencil from its kernel's source; "
                "define it in a module") from None
        ast.increment_lineno(tree, code.co_firstlineno - 1)   # the file's lines, for diagnostics
        fdef = tree.body[0]
        fdef.decorator_list = []
        relative = set(self.params) - set(standard_indexing)
        self.relative = relative
        rw = _Relative(relative)
        fdef = rw.visit(fdef)
        if rw.ndim is None:
            raise StencilError(f"stencil kernel '{self.__name__}' indexes no argument relatively")
        self.ndim = rw.ndim
        if neighborhood is not None:
            if len(neighborhood) != self.ndim:
                raise StencilError(f"stencil: neighborhood has {len(neighborhood)} ranges for {self.ndim} dimensions")
            self.lo = [max(0, -int(lo)) for lo, hi in neighborhood]
            self.hi = [max(0, int(hi)) for lo, hi in neighborhood]
        elif not rw.constant:
            raise StencilError(f"stencil kernel '{self.__name__}': an index is not a constant offset; "
                               f"give neighborhood=((lo, hi), ...)")
        else:
            self.lo = [max(0, -min(o)) for o in rw.offsets]
            self.hi = [max(0, max(o)) for o in rw.offsets]
        fdef.name = self.__name__   # diagnostics name the kernel (its namespace key: _element)
        fdef.args.args = [ast.arg(arg=f"__i{k}") for k in range(self.ndim)] + fdef.args.args
        self._elem_tree = ast.fix_missing_locations(ast.Module(body=[fdef], type_ignores=[]))
        self._filename = code.co_filename
        self._drivers = {}
        self._elem = None

    # ---- the compiled functions --------------------------------------------------------
    def _namespace(self):
        ns = dict(self.kernel.__globals__)
        ns["__stencil_np"] = np
        return ns

    def _element(self):
        if self._elem is None:
            from ember import njit
            ns = self._namespace()
            exec(compile(self._elem_tree, self._filename, "exec"), ns)
            self._elem = njit(ns[self.__name__])
        return self._elem

    def _first_array(self, nargs):
        return self.params[0] if nargs else None

    def _driver(self, dtype, with_out, parallel):
        key = (np.dtype(dtype).str, with_out, parallel)
        d = self._drivers.get(key)
        if d is not None:
            return d
        from ember import njit
        p = ", ".join(self.params)
        idx = ", ".join(f"__i{k}" for k in range(self.ndim))
        first = self.params[0]
        lines = [f"def __stencil_run({p}{', out' if with_out else ''}):"]
        for other in [q for q in self.params[1:] if q in self.relative]:   # read at the first's indices: Numba's check
            lines += [f"    if __stencil_isinstance({other}, __stencil_np.ndarray):",
                      f"        for __k in range(min({other}.ndim, {first}.ndim)):",
                      f"            if {other}.shape[__k] < {first}.shape[__k]:",
                      f"                raise ValueError(\"stencil '{self.__name__}': argument '{other}' is smaller than "
                      f"'{first}' along axis \" + str(__k))"]
        if with_out:   # (out= is a keyword: no parameter of the kernel may be named out)
            lines += [f"    if out.shape != {first}.shape:",
                      f"        raise ValueError(\"stencil '{self.__name__}': out must have the shape of '{first}'\")",
                      "    __out = out"]
        else:
            lines.append(f"    __out = __stencil_np.full({first}.shape, __stencil_cval, __stencil_dtype)")
        for k in range(self.ndim):
            rng = "__stencil_prange" if parallel and k == 0 else "range"
            lines.append("    " * (k + 1) + f"for __i{k} in {rng}({self.lo[k]}, {first}.shape[{k}] - {self.hi[k]}):")
        lines.append("    " * (self.ndim + 1) + f"__out[{idx}] = __stencil_elem({idx}, {p})")
        lines.append("    return __out")
        ns = self._namespace()
        from ember import prange
        ns.update(__stencil_elem=self._element(), __stencil_prange=prange, __stencil_isinstance=isinstance,
                  __stencil_cval=self.cval, __stencil_dtype=np.dtype(dtype).type)
        exec(compile("\n".join(lines) + "\n", f"<stencil {self.__name__}>", "exec"), ns)
        d = njit(parallel=parallel)(ns["__stencil_run"])
        self._drivers[key] = d
        return d

    def _result_dtype(self, args):
        from ember import _ember
        name = _ember.infer(self._element(), tuple([0] * self.ndim) + tuple(args), True)   # float32 kept
        return np.dtype(name)

    # ---- calls ---------------------------------------------------------------------------
    def __call__(self, *args, out=None):
        if len(args) != len(self.params):
            raise TypeError(f"stencil '{self.__name__}' takes {len(self.params)} arguments ({len(args)} given)")
        first = args[0]
        if not isinstance(first, np.ndarray) or first.ndim != self.ndim:
            raise TypeError(f"stencil '{self.__name__}': its first argument must be a {self.ndim}-d array")
        if out is not None:
            if not isinstance(out, np.ndarray) or out.shape != first.shape:
                raise ValueError(f"stencil '{self.__name__}': out must be an array of shape {first.shape}")
            return self._driver(out.dtype, True, False)(*args, out)
        return self._driver(self._result_dtype(args), False, False)(*args)

    __ember_keywords__ = True   # typeinfer/calls.c passes the call's keyword names

    def __ember_dispatcher__(self, values, parallel, kwnames=()):
        """The compiled driver a compiled caller calls with these arguments (example values of
        their types, the keyword arguments' last; typeinfer/calls.c asks with the caller's
        parallel option)."""
        if tuple(kwnames) not in ((), ("out",)) or "out" in self.params and kwnames:
            bad = next((k for k in kwnames if k != "out"), "out")
            raise TypeError(f"stencil '{self.__name__}' got an unexpected keyword argument '{bad}'")
        if kwnames:
            out = values[-1]
            if not isinstance(out, np.ndarray) or out.ndim != self.ndim:
                raise TypeError(f"stencil '{self.__name__}': out must be a {self.ndim}-d array")
            return self._driver(out.dtype, True, bool(parallel))
        return self._driver(self._result_dtype(values), False, bool(parallel))
