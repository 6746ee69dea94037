"""numba.np.numpy_support: the NumPy dtype of an ember type (as_dtype) and back (from_dtype)."""
import numpy as np

from ember import from_dtype, types
from ember.errors import NumbaNotImplementedError

__all__ = ["as_dtype", "from_dtype"]


def as_dtype(t):
    """The NumPy dtype of a scalar or Record type: as_dtype(types.float32) is np.dtype('float32'),
    and from_dtype(as_dtype(t)) is t. NumbaNotImplementedError for a type that is no dtype."""
    t = types.unliteral(t)
    if isinstance(t, types.Number):
        return t.dtype
    if isinstance(t, types.Record):
        names = list(t.fields)
        return np.dtype({"names": names, "formats": [as_dtype(t.fields[n][0]) for n in names],
                         "offsets": [t.fields[n][1] for n in names], "itemsize": t.size})
    raise NumbaNotImplementedError(f"{t} cannot be represented as a NumPy dtype")
