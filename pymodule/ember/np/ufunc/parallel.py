"""numba.np.ufunc.parallel: the thread functions of parallel regions."""
from ember import get_num_threads, get_thread_id, set_num_threads, threading_layer  # noqa: F401

__all__ = ["get_num_threads", "get_thread_id", "set_num_threads", "threading_layer"]
