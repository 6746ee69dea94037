"""numba.core.registry: CPUDispatcher, the class of what @jit returns (isinstance checks)."""
from ember import Dispatcher as CPUDispatcher  # noqa: F401
