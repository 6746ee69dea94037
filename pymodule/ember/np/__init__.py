"""numba.np, for `import ember as numba`: numba.np.numpy_support and numba.np.ufunc."""
from ember.np import numpy_support  # noqa: F401
from ember.np import ufunc  # noqa: F401
