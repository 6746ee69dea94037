"""numba.core.errors: ember's exceptions and Numba's warning classes, by Numba's names."""
from ember.errors import *  # noqa: F401,F403
from ember.errors import (CacheWarning, EmberError, LoweringError, NumbaError, TypingError,  # noqa: F401
                          UnsupportedError)
