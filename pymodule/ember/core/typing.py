"""numba.core.typing: typeof, and signature(return_type, *args) for the signatures jit takes."""
from ember import typeof  # noqa: F401
from ember.types import Signature

__all__ = ["typeof", "Signature", "signature"]


def signature(return_type, *args):
    """return_type(*args): signature(float64, int64) is float64(int64)."""
    return Signature(return_type, args)
