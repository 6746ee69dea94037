"""ember.cuda: ember compiles for the CPU only. `from numba import cuda` imports (libraries such as
datashader import it at module level and ask `cuda.is_available()`); compiling for a GPU raises."""

from ember import errors as _errors


def is_available():
    """False: ember has no CUDA target."""
    return False


def detect():
    """No CUDA devices (ember has no CUDA target); returns False, as Numba's does without one."""
    print("ember has no CUDA target")
    return False


def _no_cuda(*args, **kwargs):
    raise _errors.UnsupportedError("ember has no CUDA target: compile for the CPU with njit, or use numba.cuda")


jit = _no_cuda
to_device = _no_cuda
device_array = _no_cuda
device_array_like = _no_cuda
pinned_array = _no_cuda
grid = _no_cuda
gridsize = _no_cuda
synchronize = _no_cuda
