"""numba.np, for `import ember as numba`: numba.np.numpy_support."""
from ember.np import numpy_support  # noqa: F401
