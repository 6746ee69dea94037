"""numba.np.ufunc, for `import ember as numba`: the decorators and thread functions Numba keeps
there (numba.np.ufunc.parallel.get_thread_id is how PecanPy imports it)."""
from ember import (get_num_threads, get_thread_id, guvectorize, set_num_threads,  # noqa: F401
                   threading_layer, vectorize)
from ember.np.ufunc import parallel  # noqa: F401
