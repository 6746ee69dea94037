"""The primitive of np.random's distributions with array parameters (ember/_nprandom.py).

``fill(name, g, out, a, b, c)`` fills the C array ``out`` with draws of distribution ``name``
(a constant string: rdist.def's names, "normal" or "uniform") from Generator ``g`` (None: the
thread's legacy state), parameter k of element i being element i of ``a``/``b``/``c`` when that is
an array of out's shape (a broadcast view), else the scalar itself. NumPy's checks run on every
element before the first draw (ValueError, or OverflowError for uniform's range). Compiled code
knows it by identity (typeinfer/builtins.def RND_FILL_BCAST, typed in typeinfer/rdist.c, lowered
in codegen/lower_rdist.c, run by runtime/randdist.c ember_rt_rdist_fill_bcast); it has no
Python implementation.
"""


def fill(name, g, out, a, b, c):
    raise TypeError("ember._rdist.fill runs in compiled code only")
