"""numba.misc.special: the functions compiled code treats specially, by Numba's module path."""
from ember import literal_unroll, literally, objmode, prange, typeof  # noqa: F401
