"""numba.core.types: ember's types, by Numba's names."""
from ember.types import *  # noqa: F401,F403
