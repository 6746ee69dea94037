"""Generalized ufuncs compiled per call (dynamic @guvectorize), and ember's ufuncs called from
@njit code.

    @guvectorize("(n),()->(n)")          # no signatures: a GUFunc
    def scale(a, k, out): ...

A GUFunc compiles a loop for each new combination of operand dtypes at its first call with them
(as DUFunc does for @vectorize) and calls NumPy's gufunc over the loops so far, forcing the loop of
the call's own dtypes. As in Numba, its outputs must be passed.

Compiled callers (typeinfer/calls.c, TY_HOOKED) ask a ufunc's `Caller` for the compiled function
to call with their argument types (`__ember_dispatcher__`). For a gufunc that is a function this
file writes and @njit compiles, which loops over the operands' loop dimensions broadcast as NumPy
broadcasts them and calls the kernel on views of the core dimensions. For "(n),()->(n)" with a
2-d array, a float and the output omitted:

    def scale_gufunc(p0, p1):
        n = p0.shape[1]
        l0 = 1
        if p0.shape[0] != 1:
            if l0 != 1 and l0 != p0.shape[0]:
                raise ValueError("scale: operands could not be broadcast together (loop dimension 1)")
            l0 = p0.shape[0]
        o0 = np.empty((l0, n), _DT0)
        for i0 in range(l0):
            _kernel(p0[i0 if p0.shape[0] != 1 else 0], p1, o0[i0])
        return o0

For @vectorize the Caller returns the kernel itself (pymodule/driver.c applies it element by
element over arrays), or with an explicit output array a function like the above writing into it.
"""
import numpy as np

import ember
from ember import _ufunc, types as _types


def _np_name(dt):
    return "bool_" if dt.name == "bool" else dt.name


def _safe_name(func):
    return func.__name__.replace("<", "_").replace(">", "_")


def _compile_source(kernel, name, lines, namespace, options=None):
    """The function `name` the source lines define, compiled (with the Dispatcher options given: a
    stand-in for the kernel, named as the user's function)."""
    namespace.update(np=np, _kernel=kernel)
    exec(compile("\n".join(lines) + "\n", "<ember %s>" % name, "exec"), namespace)
    if options is None:
        return ember.njit(namespace[name])
    namespace[name].__qualname__ = kernel.py_func.__qualname__   # (what messages name)
    return ember.Dispatcher(namespace[name], options, None)


def _is_array(v):
    return isinstance(v, np.ndarray)


def _broadcast_lines(fname, operands, nloop, outputs):
    """Lines computing l0 ... l{nloop-1}, the loop shape: operands is a list of (name, loop ndim);
    the outputs' loop dimensions must equal it (NumPy does not broadcast an output)."""
    lines = []
    for a in range(nloop):
        lines.append("    l%d = 1" % a)
        for p, lnd in operands:
            j = a - (nloop - lnd)
            if j < 0:
                continue
            lines += ["    if %s.shape[%d] != 1:" % (p, j),
                      "        if l%d != 1 and l%d != %s.shape[%d]:" % (a, a, p, j),
                      "            raise ValueError('%s: operands could not be broadcast together "
                      "(loop dimension %d)')" % (fname, a + 1),
                      "        l%d = %s.shape[%d]" % (a, p, j)]
    for k, (p, lnd) in enumerate(outputs):
        for a in range(nloop):
            lines += ["    if %s.shape[%d] != l%d:" % (p, a, a),
                      "        raise ValueError('%s: output %d does not have the broadcast loop shape of the "
                      "inputs')" % (fname, k + 1)]
    return lines


def _index(p, lnd, nloop, core_nd, as_array, exact=False):
    """The expression passing operand p (lnd loop dimensions) to the kernel at loop index i*."""
    if lnd == 0:
        return p
    idx = ["i%d" % (nloop - lnd + j) if exact else
           "(i%d if %s.shape[%d] != 1 else 0)" % (nloop - lnd + j, p, j) for j in range(lnd)]
    if core_nd == 0 and as_array:   # a () operand the kernel takes as a one-element array
        idx[-1] = "%s:%s + 1" % (idx[-1], idx[-1])
    return "%s[%s]" % (p, ", ".join(idx))


def gufunc_caller(kernel, fname, ins, outs, values, loop, scalar_ins, writable=()):
    """The @njit function a compiled caller calls for a gufunc with example `values` of its argument
    types. loop: the operand dtypes to compute in (a static gufunc's loop, chosen as NumPy would),
    or None (dynamic: the arguments' own, outputs required). scalar_ins[k]: whether the kernel takes
    input k (a '()' one) as a scalar. writable: the inputs it writes in place (each an array of the
    loop's dtype: compiled code makes no copy to write back)."""
    nin, nout = len(ins), len(outs)
    given = len(values)
    if given not in (nin, nin + nout):
        raise TypeError("%s() takes %d arguments, or %d with its outputs (%d given)" % (fname, nin, nin + nout, given))
    made = kernel.__dict__.setdefault("_callers", {})
    for k in writable:
        if k < given and (not _is_array(values[k]) or loop and _ufunc._dtype_of(values[k]) != np.dtype(loop[k])):
            raise TypeError("%s: operand %d is written in place (writable_args): pass an array of dtype %s" %
                            (fname, k + 1, np.dtype(loop[k]).name if loop else "its loop's"))
    key = (tuple(type(v).__name__ if not _is_array(v) else (v.dtype.str, v.ndim) for v in values), loop)
    if key in made:
        return made[key]
    params = ["p%d" % k for k in range(given)]
    lines = ["def %s(%s):" % (fname + "_gufunc", ", ".join(params))]
    ops = ins + outs
    sizes = {}   # core dimension name -> the expression giving it
    loop_nd = []
    for k, v in enumerate(values):
        dims = ops[k]
        nd = v.ndim if _is_array(v) else 0
        if nd < len(dims):
            raise TypeError("%s: operand %d has %d dimensions, fewer than its core dimensions %s" %
                            (fname, k + 1, nd, "(" + ",".join(dims) + ")"))
        if not _is_array(v) and k >= nin:
            raise TypeError("%s: output operand %d must be an array" % (fname, k + 1 - nin))
        loop_nd.append(nd - len(dims))
        for j, name in enumerate(dims):
            expr = "%s.shape[%d]" % (params[k], loop_nd[k] + j)
            if name in sizes:
                lines += ["    if %s != %s:" % (expr, sizes[name]),
                          "        raise ValueError('%s: operand %d has a mismatch in its core dimension %s')" %
                          (fname, k + 1, name)]
            else:
                sizes[name] = expr
    nloop = max(loop_nd[:nin] + ([0] if given == nin else loop_nd[nin:]))
    lines += _broadcast_lines(fname, list(zip(params[:nin], loop_nd[:nin])), nloop,
                              list(zip(params[nin:], loop_nd[nin:])))
    namespace = {}
    args = []
    for k in range(nin):
        p, v = params[k], values[k]
        dt = np.dtype(loop[k]) if loop else None
        if dt is not None and _ufunc._dtype_of(v) != dt:   # compute in the loop's dtype, as NumPy casts
            cast = "_DI%d" % k
            namespace[cast] = getattr(np, _np_name(dt))
            lines.append("    %s = %s.astype(%s)" % (p, p, cast) if _is_array(v) else "    %s = %s(%s)" % (p, cast, p))
        if not _is_array(v) and not scalar_ins[k]:
            raise TypeError("%s: its kernel takes operand %d as an array; pass an array" % (fname, k + 1))
        args.append(_index(p, loop_nd[k], nloop, len(ins[k]), not scalar_ins[k]))
    results = []
    for k, dims in enumerate(outs):
        if given > nin:
            p = params[nin + k]
            args.append(_index(p, loop_nd[nin + k], nloop, len(dims), True, exact=True))
            results.append(p)
            continue
        missing = [d for d in dims if d not in sizes]
        if missing:
            raise TypeError("%s: cannot allocate output %d: its core dimension %s appears in no input; "
                            "pass the output" % (fname, k + 1, missing[0]))
        p, dt = "o%d" % k, "_DT%d" % k
        namespace[dt] = getattr(np, _np_name(np.dtype(loop[nin + k])))
        shape = ["l%d" % a for a in range(nloop)] + [sizes[d] for d in dims]
        if not shape:   # a scalar result: computed in a one-element array
            shape = ["1"]
            results.append(p + "[0]")
        else:
            results.append(p)
        lines.append("    %s = np.empty((%s,), %s)" % (p, ", ".join(shape), dt))
        args.append(_index(p, nloop, nloop, len(dims), True, exact=True))
    for a in range(nloop):
        lines.append("    " * (a + 1) + "for i%d in range(l%d):" % (a, a))
    lines.append("    " * (nloop + 1) + "_kernel(%s)" % ", ".join(args))
    lines.append("    return " + (results[0] if nout == 1 else "(%s,)" % ", ".join(results) if nout else "()"))
    made[key] = _compile_source(kernel, fname + "_gufunc", lines, namespace)
    return made[key]


def vectorize_out_caller(kernel, fname, nin, values):
    """The @njit function a compiled caller calls for a @vectorize function given its output array:
    the kernel applied to the inputs broadcast to the output's shape, written into it."""
    out = values[-1]
    if not _is_array(out) or out.ndim == 0:
        raise TypeError("%s: the output operand must be an array of one or more dimensions" % fname)
    made = kernel.__dict__.setdefault("_callers", {})
    key = ("out",) + tuple(type(v).__name__ if not _is_array(v) else (v.dtype.str, v.ndim) for v in values)
    if key in made:
        return made[key]
    nd = out.ndim
    params = ["p%d" % k for k in range(nin)] + ["out"]
    lines = ["def %s(%s):" % (fname + "_out", ", ".join(params))]
    elems = []
    for k, v in enumerate(values[:nin]):
        p = params[k]
        if not _is_array(v):
            elems.append(p)
            continue
        if v.ndim > nd:
            raise TypeError("%s: input %d has more dimensions (%d) than the output (%d)" % (fname, k + 1, v.ndim, nd))
        for j in range(v.ndim):
            lines += ["    if %s.shape[%d] != 1 and %s.shape[%d] != out.shape[%d]:" % (p, j, p, j, nd - v.ndim + j),
                      "        raise ValueError('%s: operands could not be broadcast together with the output')" % fname]
        elems.append(_index(p, v.ndim, nd, 1, False))
    for a in range(nd):
        lines.append("    " * (a + 1) + "for i%d in range(out.shape[%d]):" % (a, a))
    lines.append("    " * (nd + 1) + "out[%s] = _kernel(%s)" % (", ".join("i%d" % a for a in range(nd)), ", ".join(elems)))
    lines.append("    return out")
    made[key] = _compile_source(kernel, fname + "_out", lines, {})
    return made[key]


def declared_loop_caller(kernel, fname, nin, loops, values):
    """For a compiled caller of a @vectorize function with signatures: the declared loop of the
    operands' own dtypes, else the first one they cast to (arrays safely, numbers same_kind: they
    are weak), and a function calling the kernel on the operands converted to its dtypes, the result
    converted to its output dtype (coffea's float32-only delta_phi called with float32 values:
    computed as Numba's, rounded to float32). Elements of arrays go through it too."""
    dts = [_ufunc._dtype_of(v) for v in values]
    kinds = ["safe" if _is_array(v) else "same_kind" for v in values]
    exact = [lp for lp in loops if all(np.dtype(t) == d for d, t in zip(dts, lp[:nin]))]
    fits = [lp for lp in loops if all(np.can_cast(d, t, k) for d, t, k in zip(dts, lp[:nin], kinds))]
    if not exact and not fits:
        raise TypeError("%s: no loop of the ufunc takes operands of dtypes (%s)" % (fname, ", ".join(d.name for d in dts)))
    lp = (exact or fits)[0]   # (compiled code's float32 numbers come as float64: a float32-only loop takes them)
    made = kernel.__dict__.setdefault("_callers", {})
    key = ("loop",) + tuple(lp)
    if key in made:
        return made[key]
    params = ["p%d" % k for k in range(nin)]
    namespace = {"T%d" % k: np.dtype(t).type for k, t in enumerate(lp)}
    lines = ["def %s_loop(%s):" % (fname, ", ".join(params)),
             "    return T%d(_kernel(%s))" % (nin, ", ".join("T%d(%s)" % (k, p) for k, p in enumerate(params)))]
    options = dict(kernel.targetoptions, _vectorized="vectorize")   # arrays: element by element (driver.c)
    made[key] = _compile_source(kernel, fname + "_loop", lines, namespace, options)
    return made[key]


class Caller:
    """What compiled code calls for one of ember's ufuncs (kept by the ufunc, pymodule/ufunc.c):
    typing asks `__ember_dispatcher__(values, parallel)` with example values of the argument
    types, and calls the compiled function it returns."""

    def __init__(self, kernel, nin, nout, layout=None, loops=(), scalar_ins=(), writable=(), vloops=()):
        self.kernel, self.nin, self.nout = kernel, nin, nout
        self.vloops = list(vloops)           # a @vectorize's declared loops: dtype names, inputs then output
        self.writable = tuple(writable)      # the inputs the kernel writes in place (writable_args)
        self.layout = None if layout is None else _ufunc._parse_layout(layout)[:2]
        self.loops = list(loops)             # a static gufunc's loops: operand dtype tuples
        self.scalar_ins = list(scalar_ins)   # per loop: which '()' inputs the kernel takes as scalars
        self.__qualname__ = kernel.py_func.__qualname__

    def __ember_dispatcher__(self, values, parallel):
        fname = _safe_name(self.kernel.py_func)
        if self.layout is None:
            if len(values) == self.nin + 1 and self.nout == 1:
                return vectorize_out_caller(self.kernel, fname, self.nin, values)
            if len(values) != self.nin:
                raise TypeError("%s() takes %d arguments, or %d with its output (%d given)" %
                                (fname, self.nin, self.nin + 1, len(values)))
            if self.vloops:   # NumPy's loop for these operands: the kernel on its types, its output type
                return declared_loop_caller(self.kernel, fname, self.nin, self.vloops, values)
            return self.kernel   # scalars, or arrays through pymodule/driver.c's elementwise function
        ins, outs = self.layout
        loop, scalars = None, [True] * self.nin
        if self.loops:
            dts = [_ufunc._dtype_of(v) for v in values]
            # numbers are as weak as Python's in NumPy 2 (compiled code has no int32 scalars)
            kinds = ["same_kind" if not _is_array(v) else "safe" for v in values]
            for lp, sc in zip(self.loops, self.scalar_ins):
                if all(np.can_cast(d, t, c) for d, t, c in zip(dts[:self.nin], lp, kinds)) and \
                        all(np.can_cast(t, d, "same_kind") for d, t in zip(dts[self.nin:], lp[self.nin:])):
                    loop, scalars = lp, sc
                    break
            else:
                raise TypeError("%s: no loop of the gufunc takes operands of dtypes (%s); its loops are %s" %
                                (fname, ", ".join(d.name for d in dts), self.types_text()))
        elif len(values) != self.nin + self.nout:
            raise TypeError("%s is a dynamic gufunc (@guvectorize without signatures): pass its outputs, "
                            "%s(inputs..., outputs...)" % (fname, fname))
        return gufunc_caller(self.kernel, fname, ins, outs, values, loop, scalars, self.writable)

    def types_text(self):
        return ", ".join("".join(np.dtype(t).char for t in lp[:self.nin]) + "->" +
                         "".join(np.dtype(t).char for t in lp[self.nin:]) for lp in self.loops)


class GUFunc(_ufunc._Compiling):
    """A generalized ufunc that compiles a loop for each new combination of operand dtypes
    (@guvectorize with a layout and no signatures, Numba's dynamic gufunc). Its outputs must be
    passed; `.ufunc` is the numpy.ufunc over the loops so far."""

    def __init__(self, func, layout, kws, parallel):
        self._kernel = _ufunc._kernel(func, kws, "guvectorize")
        self._ins, self._outs, self._layout = _ufunc._parse_layout(layout)
        self._kws, self._parallel, self._func = kws, parallel, func
        self._nin, self._nout = len(self._ins), len(self._outs)
        self._core = _ufunc._core_numbers(self._ins, self._outs)
        self._loops = {}
        self._writable = _ufunc._writable_args(func, kws, self._nin)
        self._caller = Caller(self._kernel, self._nin, self._nout, layout, writable=self._writable)
        self.ufunc = _ufunc._new_ufunc(func, self._nin, self._nout, [], kws, self._layout, self._caller,
                                       self._writable)
        _ufunc._wrap(self, func)

    def _compile(self, dtypes):
        """The loop for these operand dtypes; '()' inputs reach the kernel as numbers."""
        key = tuple(np.dtype(d).name for d in dtypes)
        if key in self._loops:
            return
        params = []
        for k, (dt, dims) in enumerate(zip(key, self._ins + self._outs)):
            t = _types.from_name(dt)
            params.append(t if k < self._nin and not dims else _types.Array(t, max(len(dims), 1), "A"))
        lp = _ufunc._build(self._kernel, "gufunc", str(_types.Signature(_types.none, params)), key,
                           self._core, self._parallel)
        self._loops[key] = (lp, _ufunc._typenums(key))
        self.ufunc = _ufunc._new_ufunc(self._func, self._nin, self._nout, list(self._loops.values()), self._kws,
                                       self._layout, self._caller, self._writable)

    def __call__(self, *args, **kws):
        if len(args) != self._nin + self._nout:
            raise TypeError(f"{self.__name__}() takes {self._nin} inputs and {self._nout} outputs "
                            f"({len(args)} given): a dynamic gufunc's outputs must be passed, "
                            f"{self.__name__}(inputs..., outputs...)")
        for k, o in enumerate(args[self._nin:]):
            if not isinstance(o, np.ndarray):
                raise TypeError(f"{self.__name__}: output {k + 1} must be a NumPy array, not {type(o).__name__}")
        dtypes = [_ufunc._dtype_of(x) for x in args]
        self._compile(dtypes)
        inputs = [_ufunc._exact(x, dt) for x, dt in zip(args[:self._nin], dtypes)]
        return self.ufunc(*inputs, *args[self._nin:], signature=tuple(dtypes), **kws)

    def __repr__(self):
        return f"<ember.GUFunc '{self.__name__}' {self._layout}>"
