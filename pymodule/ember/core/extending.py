"""numba.core.extending: the same names as numba.extending (ember.extending)."""
from ember.extending import *  # noqa: F401,F403
from ember.extending import is_jitted  # noqa: F401
