"""Numba's `numba.core` names that programs import (`from numba.core import types, errors, config`)."""
from ember import config, errors, types  # noqa: F401
